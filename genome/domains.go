package genome

import (
	"sort"
	"strings"
)

// The ordered domains of the ladder genes. The ladders are design choices
// (steps an architect would try); their bounds are AWS limits, cited.

// memoryLadder is the MemorySize ladder in MB. Bounds 128..10,240 MB and the
// 1,769 MB one-vCPU point: aws-facts.md §3.1 "Memory and CPU" [V].
var memoryLadder = []int{128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 6144, 8192, 10240}

// timeoutLadder is the Timeout ladder in seconds. Default 3 s and maximum
// 900 s: aws-facts.md §3.1 "Timeout" [V].
var timeoutLadder = []int{3, 5, 10, 15, 30, 60, 120, 300, 900}

// reservedLadder is the ReservedConcurrentExecutions ladder (concurrent
// executions). The top, 900, is the default regional concurrency of 1,000
// minus the 100 that must stay unreserved: aws-facts.md §3.1 "Default
// regional concurrency" and "Reserved concurrency" [V].
var reservedLadder = []int{5, 10, 25, 50, 100, 200, 400, 900}

// provisionedLadder is the ProvisionedConcurrentExecutions ladder (concurrent
// executions), bounded by the same 900 as reservedLadder.
var provisionedLadder = []int{1, 2, 5, 10, 25, 50, 100, 200, 400, 900}

// capacityLadder is the DynamoDB RCU/WCU ladder (capacity units). Minimum 1
// and the 40,000 per-table default quota: aws-facts.md §3.6 "Default quotas" [V].
var capacityLadder = []int{1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 40000}

// defaultCapacity is the RCU/WCU a table left on demand starts from when the
// search switches it to PROVISIONED: SAM SimpleTable's former default of 5/5
// (aws-facts.md §6 "AWS::Serverless::SimpleTable defaults" [V]).
const defaultCapacity = 5

// maxTableCapacity is the per-table default quota, the auto-scaling maximum
// written by the AutoScaling gene: aws-facts.md §3.6 "Default quotas" [V].
const maxTableCapacity = 40000

// autoScalingTargets are the target utilizations in percent. The range is
// 20..90 % and the console's default is 70 %: aws-facts.md §3.6 "Auto
// scaling" [V]; 50/70/90 is issue 2's domain.
var autoScalingTargets = []string{"off", "50", "70", "90"}

// cacheSizes are the API Gateway REST cache sizes in GB, as CacheClusterSize
// strings: aws-facts.md §1.2 "Cache (REST only)" [V-ic]/[V3].
var cacheSizes = []string{"0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"}

// defaultCacheSize is API Gateway's CacheClusterSize when caching is enabled
// without a size (the smallest, 0.5 GB; SAM/API Gateway docs for
// CacheClusterSize).
const defaultCacheSize = "0.5"

// deployTypes are SAM's predefined DeploymentPreference types, in order of
// increasing lead time within each family: aws-facts.md §5 "Allowed
// predefined Type values" [V].
var deployTypes = []string{
	"AllAtOnce",
	"Canary10Percent5Minutes", "Canary10Percent10Minutes", "Canary10Percent15Minutes", "Canary10Percent30Minutes",
	"Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes", "Linear10PercentEvery3Minutes", "Linear10PercentEvery10Minutes",
}

// alarmLevels are the values of the DeploymentPreference.Alarms gene.
var alarmLevels = []string{"none", "errors", "errors+latency"}

// bucketSSE are the values of the S3 Encryption gene.
var bucketSSE = []string{"none", "AES256", "aws:kms", "aws:kms+bucket-key"}

// tableSSE are the values of the DynamoDB Encryption gene.
var tableSSE = []string{"aws-owned", "aws-managed-kms", "customer-kms"}

// runtimeFamilies are the Lambda managed runtimes still supported (not yet
// deprecated), by family, oldest first. Source: AWS Lambda developer guide,
// "Lambda runtimes", Supported runtimes table
// (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), as mirrored by
// endoflife.date/aws-lambda, read 2026-02. A template's own runtime joins its
// family's domain even when it is deprecated (python2.7, nodejs8.10, go1.x).
var runtimeFamilies = map[string][]string{
	"nodejs":   {"nodejs20.x", "nodejs22.x", "nodejs24.x"},
	"python":   {"python3.10", "python3.11", "python3.12", "python3.13", "python3.14"},
	"java":     {"java8.al2", "java11", "java17", "java21", "java25"},
	"dotnet":   {"dotnet8", "dotnet10"},
	"ruby":     {"ruby3.3", "ruby3.4"},
	"provided": {"provided.al2", "provided.al2023"},
}

// runtimeFamily returns the family of a runtime identifier ("" if unknown).
// go1.x belongs to "provided": its documented successor is provided.al2023.
func runtimeFamily(id string) string {
	switch {
	case strings.HasPrefix(id, "nodejs"):
		return "nodejs"
	case strings.HasPrefix(id, "python"):
		return "python"
	case strings.HasPrefix(id, "java"):
		return "java"
	case strings.HasPrefix(id, "dotnet"):
		return "dotnet"
	case strings.HasPrefix(id, "ruby"):
		return "ruby"
	case strings.HasPrefix(id, "provided"), id == "go1.x":
		return "provided"
	}
	return ""
}

// Supported reports whether a runtime identifier is in the supported table
// (runtimeFamilies); a runtime it does not list is deprecated or unknown.
func Supported(runtime string) bool {
	for _, r := range runtimeFamilies[runtimeFamily(runtime)] {
		if r == runtime {
			return true
		}
	}
	return false
}

// intDomain returns ladder with cur inserted in order (if absent), as []any,
// and the index of cur.
func intDomain(ladder []int, cur int) ([]any, int) {
	vals := append([]int(nil), ladder...)
	found := false
	for _, v := range vals {
		if v == cur {
			found = true
		}
	}
	if !found {
		vals = append(vals, cur)
		sort.Ints(vals)
	}
	out := make([]any, len(vals))
	idx := 0
	for i, v := range vals {
		out[i] = v
		if v == cur {
			idx = i
		}
	}
	return out, idx
}

// strDomain returns the values as []any with cur appended when absent, and
// the index of cur.
func strDomain(values []string, cur string) ([]any, int) {
	out := make([]any, 0, len(values)+1)
	idx := -1
	for i, v := range values {
		out = append(out, v)
		if v == cur {
			idx = i
		}
	}
	if idx < 0 {
		out = append(out, cur)
		idx = len(out) - 1
	}
	return out, idx
}
