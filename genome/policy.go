package genome

import (
	"strings"

	"github.com/evoarch/evoarch/genome/cfn"
)

// The template readings Derive and the simulator's phenotype
// (sim/infra.Baseline) must share, so that a gene's current value and the
// simulator's reading of the same template agree. sim/infra calls these;
// genome cannot import sim.

// PolicyNamesBucket reports whether the Bucket property of an
// AWS::S3::BucketPolicy names the bucket with logical ID id: through Ref,
// Fn::GetAtt or an Fn::Sub placeholder, or literally by its BucketName name
// (by its logical ID when the bucket has no literal BucketName, name "").
func PolicyNamesBucket(bucket *cfn.Value, id, name string) bool {
	if refersTo(bucket, id) {
		return true
	}
	if bucket == nil || bucket.Kind != cfn.String {
		return false
	}
	if name != "" {
		return bucket.Str == name
	}
	return bucket.Str == id
}

// TLSDenyStatement reports whether a bucket policy statement denies every
// request made without TLS: Effect Deny, Principal "*" (or {AWS: "*"}),
// Action "s3:*" or "*", and Condition Bool aws:SecureTransport false. It is
// the statement the Guard rule for s3-bucket-ssl-requests-only looks for
// (aws-facts.md section 4, s3-bucket-ssl-requests-only), and the one Apply
// writes for the TLSOnlyPolicy gene.
func TLSDenyStatement(s *cfn.Value) bool {
	if e, _ := s.Get("Effect").Text(); e != "Deny" {
		return false
	}
	return PublicPrincipal(s.Get("Principal")) && allActions(s.Get("Action")) && denyInsecure(s.Get("Condition"))
}

// PublicPrincipal reports whether a policy statement's Principal is
// everyone: "*" or {AWS: "*"} (or a list holding "*").
func PublicPrincipal(p *cfn.Value) bool {
	if s, ok := p.Text(); ok && s == "*" {
		return true
	}
	for _, e := range elems(p.Get("AWS")) {
		if s, ok := e.Text(); ok && s == "*" {
			return true
		}
	}
	return false
}

// allActions reports an Action of "s3:*" or "*" (alone or in a list): the
// deny must cover every request.
func allActions(v *cfn.Value) bool {
	for _, a := range elems(v) {
		if s, _ := a.Text(); s == "*" || strings.EqualFold(s, "s3:*") {
			return true
		}
	}
	return false
}

// denyInsecure reports a condition Bool aws:SecureTransport false (or a list
// holding false).
func denyInsecure(c *cfn.Value) bool {
	for _, e := range elems(c.Get("Bool", "aws:SecureTransport")) {
		if b, ok := e.Truth(); ok && !b {
			return true
		}
	}
	return false
}

// elems returns a list's elements, a single value as a one-element list, or
// nil for nil and null.
func elems(v *cfn.Value) []*cfn.Value {
	if v == nil || v.Kind == cfn.Null {
		return nil
	}
	if v.Kind == cfn.List {
		return v.List
	}
	return []*cfn.Value{v}
}

// CacheMethodSetting reports whether a MethodSettings entry of a REST API is
// the one for every method (ResourcePath "/*", HttpMethod "*"): the entry
// the CacheClusterSize gene writes CachingEnabled and CacheDataEncrypted
// into when it turns the cache on, and removes them from when it turns the
// cache off (aws-facts.md section 4, api-gw-cache-enabled-and-encrypted: the
// SAM docs say "To cache responses, you must also set CachingEnabled to true
// under MethodSettings").
func CacheMethodSetting(ms *cfn.Value) bool {
	if ms == nil || ms.Kind != cfn.Map {
		return false
	}
	p, _ := ms.Get("ResourcePath").Text()
	m, _ := ms.Get("HttpMethod").Text()
	return p == "/*" && m == "*"
}

// CachesEncrypted reports whether a MethodSettings entry caches responses
// with the cache data encrypted (CachingEnabled and CacheDataEncrypted both
// true): what api-gw-cache-enabled-and-encrypted asks of a method.
func CachesEncrypted(ms *cfn.Value) bool {
	c, _ := ms.Get("CachingEnabled").Truth()
	e, _ := ms.Get("CacheDataEncrypted").Truth()
	return c && e
}

// cacheMethodKeys are the keys of the MethodSettings entry the cache gene
// writes for a REST API without one.
var cacheMethodKeys = []string{"ResourcePath", "HttpMethod", "CachingEnabled", "CacheDataEncrypted"}

// cacheMethodSetting is the MethodSettings entry the cache gene writes.
func cacheMethodSetting() cfn.Obj {
	return cfn.Obj{
		{Key: "ResourcePath", Value: "/*"},
		{Key: "HttpMethod", Value: "*"},
		{Key: "CachingEnabled", Value: true},
		{Key: "CacheDataEncrypted", Value: true},
	}
}

// ownedMethodSettings reports whether a MethodSettings list holds nothing
// but the entry the cache gene writes, so that the gene may drop it (an API
// switching to HTTP, which has no MethodSettings).
func ownedMethodSettings(v *cfn.Value) bool {
	if v == nil || v.Kind != cfn.List || len(v.List) != 1 {
		return false
	}
	e := v.List[0]
	if !CacheMethodSetting(e) || len(e.Keys) > len(cacheMethodKeys) {
		return false
	}
	for _, k := range e.Keys {
		switch k {
		case "ResourcePath", "HttpMethod":
		case "CachingEnabled", "CacheDataEncrypted":
			if b, ok := e.Fields[k].Truth(); !ok || !b {
				return false
			}
		default:
			return false
		}
	}
	return true
}
