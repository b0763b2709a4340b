// Package rollout is the safe-deployment model (issue 6): for each Lambda
// function with AutoPublishAlias, what a release that carries a defect costs
// under its DeploymentPreference, its CloudWatch alarms and its CodeDeploy
// hooks, and how long a deployment takes. Speed against control is the
// trade-off it shows.
//
// # The release model
//
// A release of a function carries a defect with probability defect_rate
// (scenario release.defect_rate, default 0.1). A defective version fails a
// share defect_error_rate of the requests it serves (default 0.2); the old
// version fails none (the background error rate belongs to the perf model
// and is not counted here). Requests arrive as a Poisson process at the
// function's mean rate, invocations_per_month / (730 h x 3600 s): a release
// starts at a random time, and every quantity below except alarm firing is
// linear in the rate, so the mean rate is the right one (the peak rate would
// describe the worst hour, not the expected release).
//
// # Traffic shifting (aws-facts.md section 5, decisions.md "deployment lead time")
//
// The new version's share of traffic s(t), t in minutes from the start:
//
//   - AllAtOnce: 100% at t = 0; the deployment ends at once (lead time 0).
//   - Canary10PercentNMinutes: 10% at t = 0, 100% at t = N; lead time N.
//   - Linear10PercentEveryNMinutes: 10% at t = 0, +10% every N minutes, 100%
//     at t = 9N; CodeDeploy completes one interval later, at t = 10N, the SAM
//     docs' "complete in 100 minutes" that decisions.md adopts as the lead
//     time (aws-facts.md section 7 lists the 90-minute reading).
//   - a custom configuration: the steps of release.custom.<Name> (at_min,
//     percent); lead time is the last step's at_min. Without steps in the
//     scenario its figures are not computed (FunctionResult.Unknown, a note
//     in Model.Notes) and the function is left out of the app's totals.
//   - no DeploymentPreference (or Enabled: false), or no AutoPublishAlias:
//     no CodeDeploy; the update reaches all traffic at once, no alarm rolls
//     back and no hook runs.
//
// The lead time is the time from the start until all traffic is shifted,
// for a release that is not rolled back.
//
// # Detection
//
//   - PreTraffic hook (BeforeAllowTraffic): catches the defect with
//     probability hook_catch_rate (default 0.5 where a hook is declared)
//     before any traffic reaches the new version: 0 failed requests.
//   - Alarms (CodeDeploy rolls back "immediately" when one goes to ALARM
//     during the shift: aws-facts.md section 5): each alarm is read as
//     CloudWatch evaluates it. Datapoints are the errors in consecutive
//     periods of PeriodS seconds counted from the deployment's start (an
//     alignment the model chooses; CloudWatch aligns to the clock). The
//     errors in a period are Poisson with mean rate x defect_error_rate x
//     the integral of s(t) over the period. A datapoint breaches when the
//     statistic (Sum: the count; Maximum: 1 if any error) compares true
//     with the threshold; the alarm fires at the end of the first period in
//     which DatapointsToAlarm of the last EvaluationPeriods datapoints
//     breach (datapoints before the start carry no errors). Only firings at
//     or before the end of the shift (the lead time) roll back: after it,
//     the deployment has succeeded. Metric publication and alarm evaluation
//     delays are not modelled.
//   - The alarms that can see the defect are the ones on the AWS/Lambda
//     Errors metric (Sum or Maximum, GreaterThan or GreaterThanOrEqualTo)
//     of this function or of no function dimension. Any other alarm is
//     kept but never fires on a defect, and Model.Notes says why.
//   - The genome's DeploymentAlarms gene adds "errors": Errors Sum > 0 over
//     one 60 s period, 1 of 1 datapoints; "errors+latency" adds a p99
//     Duration alarm as well. The release model's defects are errors (Lambda
//     counts timeouts as Errors), so the Duration alarm adds no detection,
//     only cost and complexity (billed and counted by package sim).
//   - Several alarms read the same errors, so they are not independent:
//     the model takes, at each moment, the best single alarm's chance of not
//     having fired yet. That is exact when one alarm's firing implies the
//     other's (the genome's 1-minute Errors > 0 alarm against any Sum alarm
//     on whole minutes) and otherwise an underestimate of detection.
//   - PostTraffic hook (AfterAllowTraffic): runs when the shift is over and
//     catches the defect with hook_catch_rate, rolling back at the lead time.
//   - Otherwise the defect is found by people: release.manual_detect_min
//     minutes (scenarios.DefaultManualDetectMin, 60, when not given) after
//     the shift ends, at 100% traffic, then rolled back.
//
// Rollback returns all traffic to the old version (aws-facts.md section 5).
//
// # Outputs, per function and strategy
//
//   - LeadTimeMin: minutes until all traffic is shifted (no rollback).
//   - DetectProbability: chance a defective release is stopped
//     automatically (a hook or an alarm) before people find it.
//   - ExpectedFailedRequests: expected failed requests of a release that
//     carries a defect (the blast radius), over every way it can end.
//   - TimeToDetectMin: expected minutes from the start of a defective
//     release until its rollback.
//   - FailedRequestsPerMonth: ExpectedFailedRequests x defect_rate x
//     deploys_per_month (default 4): the expected failed requests a month
//     of releases costs.
//
// Result.DeployRisk sums ExpectedFailedRequests over the functions (the
// blast radius of a defect in each function, as one release of the app
// deploys every function); Result.LeadTimeMin is the longest lead time,
// as deployment groups deploy in parallel (aws-facts.md section 5); both
// leave out the functions whose figures are not computed (Result.Unknown
// counts them).
//
// Compile precomputes, per function, every deployment type with and without
// the genome's errors alarm; Eval then combines hooks with table look-ups
// and allocates nothing. MonteCarlo draws releases one by one and is the
// reference the closed form is tested against.
package rollout
