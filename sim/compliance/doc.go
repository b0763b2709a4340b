// Package compliance evaluates AWS Config managed rules on a template and on
// every variant of it, the way the talk's fitness function checks the stack's
// non-functional requirements.
//
// # Model
//
// Compile reads the template once: it finds the resources each rule applies
// to (its subjects, in template order, then SAM's implicit APIs, then the
// account), resolves the cross-resource facts (bucket policies by !Ref,
// !GetAtt or !Sub; auto scaling targets and policies by ResourceId; Lambda
// permissions and function URLs; API stages), reads the rule parameters and
// the suppressions in each resource's Metadata. Eval then only reads the flat
// infra.State of a variant (the genes change encryption, versioning, logging,
// replication, public access blocks, TLS-only policies, PITR, table
// encryption, auto scaling, billing, reserved concurrency, DLQs, deployment
// types, alarms, runtimes and API caches) and allocates nothing.
//
// # Semantics
//
// With compliance.semantics "template" (the default, decisions.md) a rule
// passes only on what the template declares, as cfn-guard and checkov judge
// it. With "deployed", AWS service defaults count as AWS Config would see the
// deployed resource: SSE-S3 on every bucket since 2023-01-05, and Block Public
// Access on new buckets since 2023-04 (aws-facts.md section 4, S3). Rules
// whose Config and Guard readings agree behave the same in both.
//
// # Score
//
// Score is the severity-weighted share of compliant findings among the
// applicable (COMPLIANT or NON_COMPLIANT), unsuppressed ones, in [0, 1]; it is
// 1 when nothing applies. Severity weights are this package's own offline
// table (SeverityHigh 3, SeverityMedium 2, SeverityLow 1). The talk's
// encryption scoring (S3 aws:kms above AES256 above none) follows from two
// rules together: s3-bucket-server-side-encryption-enabled credits any
// default encryption and s3-default-encryption-kms credits only KMS, so a KMS
// bucket earns both weights, an AES256 bucket one, an unencrypted bucket none.
//
// A suppressed finding keeps its status, carries the suppression, and counts
// neither in the score nor in Passed/Failed nor against required rules.
package compliance
