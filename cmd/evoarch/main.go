// Command evoarch treats a serverless architecture (an AWS SAM or
// CloudFormation template) as an optimization problem: it derives the
// template's genome, simulates cost, latency, compliance and deployment
// safety under a scenario, and searches for the next incremental change.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], newSystemIO()))
}
