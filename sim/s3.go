package sim

import (
	"github.com/evoarch/evoarch/sim/infra"
)

// bucketInput is what the S3 cost of one bucket depends on.
type bucketInput struct {
	// Gets and Puts are requests a month from the functions' calls;
	// CallsKnown is true when some function with known invocations calls
	// the bucket.
	Gets, Puts float64
	CallsKnown bool
	// StorageGB is the stored data; StorageKnown says the scenario gives it.
	StorageGB    float64
	StorageKnown bool
	// ObjectKB is the mean object size, 0 when not given.
	ObjectKB float64
	// OverwriteRate is the share of stored data overwritten a month;
	// OverwriteKnown says the scenario gives it.
	OverwriteRate  float64
	OverwriteKnown bool
	// AccessLogGB is the access-log volume a month, when known.
	AccessLogGB    float64
	AccessLogKnown bool
}

// bucketUsage is one bucket's monthly quantities.
type bucketUsage struct {
	in *bucketInput
	b  *infra.Bucket
	// noncurrentGB is versioning's extra storage: the data overwritten in a
	// month kept as noncurrent versions (one month's worth).
	noncurrentGB float64
	// kmsRequests are the KMS requests S3 makes for the bucket.
	kmsRequests float64
	// logGB is the access-log storage it causes.
	logGB float64
}

// bucketUsageOf computes one bucket's monthly quantities. Versioning bills
// every version as full storage (aws-facts.md 1.4 [V]); replication copies
// storage and PUTs to the destination, with inter-region transfer for a
// cross-region rule (aws-facts.md 1.4 [V3], 1.8); SSE-KMS without a bucket
// key calls KMS once per GET and PUT, with one about 99% fewer (aws-facts.md
// 1.4 [V]).
func bucketUsageOf(b *infra.Bucket, in *bucketInput, p *Prices) bucketUsage {
	var u bucketUsage
	u.of(b, in, p)
	return u
}

// of sets u to bucketUsageOf(b, in, p) in place (no copy of the result).
func (u *bucketUsage) of(b *infra.Bucket, in *bucketInput, p *Prices) {
	*u = bucketUsage{in: in, b: b}
	if b.Versioning && in.StorageKnown && in.OverwriteKnown {
		u.noncurrentGB = nonNeg(in.StorageGB) * nonNeg(in.OverwriteRate)
	}
	if in.CallsKnown {
		switch b.SSE {
		case infra.BucketSSEKMS:
			u.kmsRequests = nonNeg(in.Gets) + nonNeg(in.Puts)
		case infra.BucketSSEKMSBucketKey:
			u.kmsRequests = (nonNeg(in.Gets) + nonNeg(in.Puts)) * p.KMS.BucketKeyShare.USD
		}
	}
	if b.Logging && in.AccessLogKnown {
		u.logGB = nonNeg(in.AccessLogGB)
	}
}

// storedGB is the Standard storage the bucket bills in its own region.
func (u *bucketUsage) storedGB() float64 {
	if !u.in.StorageKnown {
		return u.logGB
	}
	return nonNeg(u.in.StorageGB) + u.noncurrentGB + u.logGB
}

// bucketPool is the account-wide part of S3 pricing: tiered storage, the
// shared free tier and KMS's free requests.
type bucketPool struct {
	storagePrice                  float64
	freeStorage, freeGet, freePut float64
	freeKMS                       float64
}

func newBucketPool(us []bucketUsage, p *Prices, freeTier bool) bucketPool {
	var st, gets, puts, kms float64
	for i := range us {
		u := &us[i]
		st += u.storedGB()
		if u.in.CallsKnown {
			gets += nonNeg(u.in.Gets)
			puts += nonNeg(u.in.Puts)
		}
		kms += u.kmsRequests
	}
	s := &p.S3
	pool := bucketPool{
		freeStorage: freeShare(freeTier, s.FreeStorage.Quantity, st),
		freeGet:     freeShare(freeTier, s.FreeGet.Quantity, gets),
		freePut:     freeShare(freeTier, s.FreePut.Quantity, puts),
		freeKMS:     freeShare(freeTier, p.KMS.FreeRequests.Quantity, kms),
	}
	pool.storagePrice = blended(s.Storage, st*(1-pool.freeStorage))
	return pool
}

// bucketItems gives one bucket's line items.
func bucketItems(u *bucketUsage, pool *bucketPool, p *Prices, sk *lineSink) {
	s := &p.S3
	in, b := u.in, u.b
	keep := 1 - pool.freeStorage
	if in.StorageKnown {
		sk.priced("Storage (Standard)", nonNeg(in.StorageGB)*keep, pool.storagePrice, s.Storage)
	} else {
		sk.usage("Storage (Standard)", s.Storage)
	}
	if in.CallsKnown {
		sk.flat("PUT, COPY, POST, LIST requests", nonNeg(in.Puts)*(1-pool.freePut), s.Put)
		sk.flat("GET, SELECT and other requests", nonNeg(in.Gets)*(1-pool.freeGet), s.Get)
	} else {
		sk.usage("PUT, COPY, POST, LIST requests", s.Put)
		sk.usage("GET, SELECT and other requests", s.Get)
	}
	sk.addFree("Storage (free tier)", u.storedGB()*pool.freeStorage, s.FreeStorage, "")
	if in.CallsKnown {
		sk.addFree("PUT requests (free tier)", nonNeg(in.Puts)*pool.freePut, s.FreePut, "")
		sk.addFree("GET requests (free tier)", nonNeg(in.Gets)*pool.freeGet, s.FreeGet, "")
	}
	if b.Versioning {
		if in.StorageKnown && in.OverwriteKnown {
			sk.priced("Noncurrent versions (versioning)", u.noncurrentGB*keep, pool.storagePrice, s.Storage)
		} else {
			sk.usage("Noncurrent versions (versioning)", s.Storage)
		}
	}
	if b.Replication {
		if in.StorageKnown {
			// The replica is billed in its own region at the Standard price.
			sk.flat("Replica storage", nonNeg(in.StorageGB)+u.noncurrentGB, s.Storage)
		} else {
			sk.usage("Replica storage", s.Storage)
		}
		if in.CallsKnown {
			sk.flat("Replication PUT requests", nonNeg(in.Puts), s.Put)
		} else {
			sk.usage("Replication PUT requests", s.Put)
		}
		if b.CrossRegion {
			if in.CallsKnown && in.ObjectKB > 0 {
				gb := nonNeg(in.Puts) * in.ObjectKB / (1024 * 1024)
				sk.flat("Inter-region transfer (replication)", gb, p.DataTransfer.InterRegion)
			} else {
				sk.usage("Inter-region transfer (replication)", p.DataTransfer.InterRegion)
			}
		}
	}
	switch b.SSE {
	case infra.BucketSSEKMS, infra.BucketSSEKMSBucketKey:
		item := "KMS requests (SSE-KMS, no bucket key)"
		if b.SSE == infra.BucketSSEKMSBucketKey {
			item = "KMS requests (SSE-KMS with bucket key)"
		}
		if in.CallsKnown {
			sk.flat(item, u.kmsRequests*(1-pool.freeKMS), p.KMS.Requests)
			sk.addFree("KMS requests (free tier)", u.kmsRequests*pool.freeKMS, p.KMS.FreeRequests, "")
		} else {
			sk.usage(item, p.KMS.Requests)
		}
	}
	if b.Logging {
		if in.AccessLogKnown {
			sk.priced("Access log storage", u.logGB*keep, pool.storagePrice, s.Storage)
		} else {
			sk.usage("Access log storage", s.Storage)
		}
	}
}

// bucketLines appends the line items of bucketItems to dst.
func bucketLines(u *bucketUsage, pool *bucketPool, p *Prices, dst []Line) []Line {
	s := lineSink{keep: true, lines: dst}
	bucketItems(u, pool, p, &s)
	return s.lines
}

// same reports whether in and o are equal field by field, floats bit for
// bit (a field added to bucketInput must be compared here;
// TestCostSameFields checks).
func (in *bucketInput) same(o *bucketInput) bool {
	return sameBits(in.Gets, o.Gets) && sameBits(in.Puts, o.Puts) && in.CallsKnown == o.CallsKnown &&
		sameBits(in.StorageGB, o.StorageGB) && in.StorageKnown == o.StorageKnown && sameBits(in.ObjectKB, o.ObjectKB) &&
		sameBits(in.OverwriteRate, o.OverwriteRate) && in.OverwriteKnown == o.OverwriteKnown &&
		sameBits(in.AccessLogGB, o.AccessLogGB) && in.AccessLogKnown == o.AccessLogKnown
}

// sameBucket reports whether a and b agree on every field bucketUsage.of
// and bucketItems read (a field they start reading must be compared here;
// TestCostSameFields checks).
func sameBucket(a, b *infra.Bucket) bool {
	return a.SSE == b.SSE && a.Versioning == b.Versioning && a.Logging == b.Logging &&
		a.Replication == b.Replication && a.CrossRegion == b.CrossRegion
}

// same reports whether pool and o are equal bit for bit.
func (pool *bucketPool) same(o *bucketPool) bool {
	return sameBits(pool.storagePrice, o.storagePrice) && sameBits(pool.freeStorage, o.freeStorage) &&
		sameBits(pool.freeGet, o.freeGet) && sameBits(pool.freePut, o.freePut) && sameBits(pool.freeKMS, o.freeKMS)
}
