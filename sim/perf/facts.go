package perf

// Every number the model uses, with its source. "aws-facts.md" is
// ../shared/reference/aws-facts.md; [V] verified, [V3] third party,
// [U] unverified (see that file's tags). Times are milliseconds unless the
// name says otherwise.

const (
	// mbPerVCPU: "At 1,769 MB, a function has the equivalent of one vCPU"
	// (aws-facts.md 3.1 [V]).
	mbPerVCPU = 1769
	// maxVCPU: "up to 6 vCPUs" at 10,240 MB (aws-facts.md 3.1 [V];
	// decisions.md "Lambda CPU").
	maxVCPU = 6
	// maxThreads caps workload.functions.X.threads at the vCPUs Lambda can
	// give (aws-facts.md 3.1 [V]).
	maxThreads = 6

	// The account's regional concurrency limit is the scenario's
	// account_concurrency (scenarios.DefaultAccountConcurrency, 1,000,
	// aws-facts.md 3.1 [V], when not given).
	// minUnreserved: "you can reserve all of the unreserved pool except 100"
	// (aws-facts.md 3.1 [V]); the shared pool never drops below it, nor
	// below the whole account limit when that is smaller ("New accounts may
	// have lower limits", 3.1 [V]).
	minUnreserved = 100
	// scaleStep and scaleStepS: "1,000 execution environment instances every
	// 10 seconds" per function (aws-facts.md 3.2 [V], since Nov 2023).
	scaleStep  = 1000
	scaleStepS = 10
	// initMaxMS is the INIT phase maximum, 10 s (aws-facts.md 3.1 [V]).
	initMaxMS = 10000

	// asyncRetryDelayMS is the first backoff of a throttled asynchronous
	// invocation: "backoff growing from 1 s" (aws-facts.md 3.2 [V]).
	asyncRetryDelayMS = 1000

	// httpAPIOverheadMS: HTTP API adds "p99 < 10 ms of additional latency"
	// (aws-facts.md 3.5 [V]); the model adds the bound, 10 ms, to every
	// request (conservative).
	httpAPIOverheadMS = 10
	// restAPIOverheadMS: no primary figure (aws-facts.md 3.5 [U]: rule of
	// thumb 10-50 ms). 25 ms is the HTTP figure with HTTP "up to 60 % lower
	// latency than REST" (3.5 [V]): 10 / (1 - 0.6) = 25, inside the rule of
	// thumb. [U]
	restAPIOverheadMS = 25
	// restCacheHitMS is the latency of a REST cache hit: the REST overhead
	// alone, the integration is skipped (aws-facts.md 3.5 metric
	// definitions: overhead = Latency - IntegrationLatency). [U]
	restCacheHitMS = restAPIOverheadMS

	// ddbCallMS is one DynamoDB request: "single-digit millisecond latency"
	// (aws-facts.md 3.6 [V]); 5 ms is that range's middle. [U] for the
	// exact value.
	ddbCallMS = 5
	// ddbBurstS: DynamoDB "retains up to 5 minutes (300 seconds) of unused
	// read and write capacity" (aws-facts.md 3.6 [V]).
	ddbBurstS = 300
	// ddbScaleDelayS: auto scaling scales out "after 2 consecutive minutes
	// above target" (aws-facts.md 3.6 [V]).
	ddbScaleDelayS = 120
	// ddbTableMaxUnits is the per-table quota, 40,000 RCU/WCU or RRU/WRU
	// (aws-facts.md 3.6 [V]).
	ddbTableMaxUnits = 40000
	// ddbMinUnits is the minimum per table, 1 RCU / 1 WCU (aws-facts.md 3.6 [V]).
	ddbMinUnits = 1
	// ddbOnDemandHeadroom: on-demand throttles only past twice the previous
	// peak (issue 4; aws-facts.md 3.6 "same single-digit latency").
	ddbOnDemandHeadroom = 2
	// readUnitKB and writeUnitKB: a read unit covers 4 KB, a write unit 1 KB;
	// eventually consistent reads cost half (decisions.md "DynamoDB reads"
	// [V], aws-facts.md 1.3).
	readUnitKB  = 4
	writeUnitKB = 1

	// sdkAttempts: standard retry mode, "3 attempts in total" (aws-facts.md
	// 3.7 [V]).
	sdkAttempts = 3
	// sdkBackoffMeanMS are the mean waits before the 2nd and 3rd attempt:
	// "exponential backoff with jitter" (aws-facts.md 3.7 [V]) as the Go SDK
	// v2 computes it, a uniform [0, 1) times 2^attempt seconds with the
	// attempt counted from 1 (aws/aws-sdk-go-v2 aws/retry/jitter_backoff.go
	// "[0.0, 1.0) * 2 ^ attempts" [V]; the attempt numbering [U]): uniform on
	// [0, 2 s) then [0, 4 s), means 1 s and 2 s.
	sdkBackoff1MaxMS = 2000
	sdkBackoff2MaxMS = 4000

	// s3CallMS is one S3 GET or PUT of a small object. No figure in
	// aws-facts.md; S3's performance guidelines quote 100-200 ms first-byte
	// latency for small objects; 30 ms is a typical in-region figure. [U]
	s3CallMS = 30
	// kmsCallMS is one KMS Decrypt / GenerateDataKey that S3 makes for an
	// SSE-KMS object: "KMS latency overhead: no primary figure found"
	// (aws-facts.md 1.5 and 7 [U]). 10 ms. [U]
	kmsCallMS = 10
	// bucketKeyKMSShare is the share of KMS calls left with an S3 Bucket
	// Key: "can reduce AWS KMS request costs by up to 99 percent", measured
	// 97.3 % (aws-facts.md 1.4 [V]) -> 2.7 % left.
	bucketKeyKMSShare = 0.027
)

const (
	// The peak lasts the scenario's workload.functions.X.peak_hours_per_day
	// hours a day (scenarios.DefaultPeakHoursPerDay, 2, when not given) and
	// the rest of the day runs at the rate that keeps the monthly total
	// (invocations_per_month).
	// peakMaxShare bounds the requests the peak carries: a peak_rps far
	// above the mean is a short burst, not hours of traffic. Half. [U]
	peakMaxShare = 0.5
)
