package sim

// keyItems gives the line items of one customer managed KMS key the
// template declares: $1 a key-month (aws-facts.md 1.5 [V]). Rotation is not
// modelled. Keys the genome adds are billed on the resource they encrypt;
// KMS requests are billed on the S3 buckets that cause them.
func keyItems(p *Prices, s *lineSink) {
	s.flat("Customer managed key", 1, p.KMS.CustomerKey)
}
