package compliance

import "strings"

// RuntimesAsOf is the date the deprecated-runtime table is read at: a runtime
// whose deprecation date is on or before it is deprecated. It is the date of
// the newest sources in aws-facts.md (lambda-perf data up to 2026-08-22), so
// the same inputs always give the same findings; no clock is read.
const RuntimesAsOf = "2026-08-22"

// deprecatedRuntimes lists Lambda runtime identifiers with the date Lambda
// deprecated them (ISO dates, comparable as strings).
//
// Source: AWS Lambda developer guide, "Lambda runtimes", deprecated and
// supported runtime tables (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html),
// as transcribed with dates in terraform-linters/tflint-ruleset-aws
// rules/aws_lambda_function_deprecated_runtime.go @0103793 (2025-11), and
// agreeing with checkov's CKV_AWS_363 list (DeprecatedLambdaRuntime.py).
var deprecatedRuntimes = []struct {
	ID   string
	Date string
}{
	{"nodejs", "2016-10-31"},
	{"dotnetcore2.0", "2019-05-30"},
	{"dotnetcore1.0", "2019-07-27"},
	{"nodejs6.10", "2019-08-12"},
	{"nodejs4.3", "2020-03-05"},
	{"nodejs4.3-edge", "2020-03-05"},
	{"nodejs8.10", "2020-03-06"},
	{"python2.7", "2021-07-15"},
	{"nodejs10.x", "2021-07-30"},
	{"ruby2.5", "2021-07-30"},
	{"dotnetcore2.1", "2022-01-05"},
	{"dotnet5.0", "2022-05-10"},
	{"python3.6", "2022-07-18"},
	{"nodejs12.x", "2023-03-31"},
	{"dotnetcore3.1", "2023-04-03"},
	{"ruby2.7", "2023-11-27"},
	{"nodejs14.x", "2023-12-04"},
	{"python3.7", "2023-12-04"},
	{"java8", "2024-01-08"},
	{"go1.x", "2024-01-08"},
	{"provided", "2024-01-08"},
	{"dotnet7", "2024-05-14"},
	{"nodejs16.x", "2024-06-12"},
	{"python3.8", "2024-10-14"},
	{"dotnet6", "2024-11-12"},
	{"nodejs18.x", "2025-09-01"},
	{"python3.9", "2025-12-15"},
	{"ruby3.2", "2026-03-31"},
	{"nodejs20.x", "2026-04-30"},
	{"python3.10", "2026-06-30"},
	{"python3.11", "2026-06-30"},
	{"java8.al2", "2026-06-30"},
	{"java11", "2026-06-30"},
	{"java17", "2026-06-30"},
	{"provided.al2", "2026-06-30"},
	{"dotnet8", "2026-11-10"},
	{"ruby3.3", "2027-03-31"},
	{"nodejs22.x", "2027-04-30"},
	{"python3.12", "2028-10-31"},
	{"python3.13", "2029-06-30"},
	{"java21", "2029-06-30"},
	{"provided.al2023", "2029-06-30"},
}

// Deprecated reports whether runtime was deprecated on or before RuntimesAsOf,
// and the deprecation date when it is in the table.
func Deprecated(runtime string) (bool, string) {
	for _, r := range deprecatedRuntimes {
		if r.ID == runtime {
			return r.Date <= RuntimesAsOf, r.Date
		}
	}
	return false, ""
}

// osOnlyRuntime reports an OS-only runtime (provided, provided.al2, ...),
// which lambda-function-settings-check ignores (aws-facts.md section 4, Lambda).
func osOnlyRuntime(runtime string) bool {
	return runtime == "provided" || strings.HasPrefix(runtime, "provided.")
}
