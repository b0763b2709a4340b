package sim

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/evoarch/evoarch/scenarios"
)

// hoursPerMonth turns an hourly price into a monthly one: the month used
// everywhere, scenarios.HoursPerMonth (decisions.md "month").
const hoursPerMonth = scenarios.HoursPerMonth

// secondsPerMonth is hoursPerMonth in seconds.
const secondsPerMonth = hoursPerMonth * 3600

// secondsPerDay turns a share of the day into seconds.
const secondsPerDay = 24 * 3600

//go:embed prices/*.yaml
var priceFS embed.FS

// Tier is one band of a tiered price: USD per unit for the cumulative
// monthly quantity up to UpTo (0 in the last band: no upper end).
type Tier struct {
	UpTo float64 `yaml:"upto"`
	USD  float64 `yaml:"usd"`
}

// Price is one embedded list price: USD per Unit (or Tiers), with its source
// in aws-facts.md and the date of that source.
type Price struct {
	Service string `yaml:"-"`
	Key     string `yaml:"-"`
	// USD is the price of one Unit; for a tiered price, the first tier's.
	USD    float64 `yaml:"usd"`
	Unit   string  `yaml:"unit"`
	Tiers  []Tier  `yaml:"tiers"`
	Source string  `yaml:"source"`
	Date   string  `yaml:"date"`
}

// Allowance is a monthly free-tier quantity.
type Allowance struct {
	Service  string  `yaml:"-"`
	Key      string  `yaml:"-"`
	Quantity float64 `yaml:"quantity"`
	Unit     string  `yaml:"unit"`
	Source   string  `yaml:"source"`
	Date     string  `yaml:"date"`
}

// Cost is the USD price of q units a month, through the tiers when the
// price has them. Negative or NaN quantities cost 0.
func (p *Price) Cost(q float64) float64 {
	if !(q > 0) {
		return 0
	}
	if len(p.Tiers) == 0 {
		return q * p.USD
	}
	var usd, lo float64
	for _, t := range p.Tiers {
		if t.UpTo == 0 || q <= t.UpTo {
			return usd + (q-lo)*t.USD
		}
		usd += (t.UpTo - lo) * t.USD
		lo = t.UpTo
	}
	return usd
}

// priceFile is one embedded table.
type priceFile struct {
	Service  string                `yaml:"service"`
	Region   string                `yaml:"region"`
	Prices   map[string]*Price     `yaml:"prices"`
	FreeTier map[string]*Allowance `yaml:"free_tier"`
}

// Prices are the list prices of one region, one field per price the cost
// model uses. Every field is set by LoadPrices or it fails.
type Prices struct {
	Region string
	// All is every loaded price, sorted by service and key (for reports).
	All []*Price
	// Free is every free-tier allowance, sorted by service and key.
	Free []*Allowance

	Lambda struct {
		Requests, DurationX86, DurationARM             *Price
		ProvisionedX86, ProvisionedARM                 *Price
		ProvisionedDurationX86, ProvisionedDurationARM *Price
		Ephemeral                                      *Price
		FreeRequests, FreeDuration                     *Allowance
	}
	APIGateway struct {
		REST, HTTP *Price
		// Cache is the hourly price by cache size, sizes ascending.
		CacheGB            []float64
		Cache              []*Price
		CacheItem          []string
		FreeREST, FreeHTTP *Allowance
	}
	DynamoDB struct {
		WRU, RRU, WCUHour, RCUHour, ReplicatedWCUHour, ReplicatedWRU *Price
		Storage, PITR, StreamReads                                   *Price
		FreeStorage, FreeRCU, FreeWCU                                *Allowance
	}
	S3 struct {
		Storage, Put, Get             *Price
		FreeStorage, FreeGet, FreePut *Allowance
	}
	KMS struct {
		CustomerKey, Requests *Price
		// BucketKeyShare.USD is the share of KMS requests left with an S3
		// Bucket Key (a ratio, not a price).
		BucketKeyShare *Price
		FreeRequests   *Allowance
	}
	CloudWatch struct {
		AlarmStandard, AlarmHighRes, LogsIngestion *Price
		FreeAlarms, FreeLogs                       *Allowance
	}
	SQS struct {
		Standard, FIFO *Price
		FreeRequests   *Allowance
	}
	DataTransfer struct {
		InterRegion *Price
	}
}

// LoadPrices reads the embedded price tables of a region ("" = us-east-1).
func LoadPrices(region string) (*Prices, error) {
	if region == "" {
		region = "us-east-1"
	}
	entries, err := priceFS.ReadDir("prices")
	if err != nil {
		return nil, fmt.Errorf("sim: price tables: %w", err)
	}
	p := &Prices{Region: region}
	prices := map[string]*Price{}
	free := map[string]*Allowance{}
	for _, e := range entries {
		data, err := priceFS.ReadFile("prices/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("sim: price table %s: %w", e.Name(), err)
		}
		var f priceFile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("sim: price table %s: %w", e.Name(), err)
		}
		if f.Region != region {
			continue
		}
		for k, v := range f.Prices {
			if v == nil || v.Source == "" || v.Date == "" || v.Unit == "" {
				return nil, fmt.Errorf("sim: price table %s: price %s lacks a unit, source or date", e.Name(), k)
			}
			v.Service, v.Key = f.Service, k
			if len(v.Tiers) > 0 {
				v.USD = v.Tiers[0].USD
			}
			prices[f.Service+"."+k] = v
			p.All = append(p.All, v)
		}
		for k, v := range f.FreeTier {
			if v == nil || v.Source == "" || v.Date == "" {
				return nil, fmt.Errorf("sim: price table %s: free tier %s lacks a source or date", e.Name(), k)
			}
			v.Service, v.Key = f.Service, k
			free[f.Service+"."+k] = v
			p.Free = append(p.Free, v)
		}
	}
	if len(prices) == 0 {
		return nil, fmt.Errorf("sim: no price tables for region %q: valid regions are {us-east-1}", region)
	}
	sort.Slice(p.All, func(i, j int) bool {
		return p.All[i].Service+"."+p.All[i].Key < p.All[j].Service+"."+p.All[j].Key
	})
	sort.Slice(p.Free, func(i, j int) bool {
		return p.Free[i].Service+"."+p.Free[i].Key < p.Free[j].Service+"."+p.Free[j].Key
	})

	var missing []string
	pr := func(key string) *Price {
		v := prices[key]
		if v == nil {
			missing = append(missing, key)
			return &Price{Key: key}
		}
		return v
	}
	fr := func(key string) *Allowance {
		v := free[key]
		if v == nil {
			missing = append(missing, "free_tier "+key)
			return &Allowance{Key: key}
		}
		return v
	}
	l := &p.Lambda
	l.Requests = pr("lambda.requests")
	l.DurationX86 = pr("lambda.duration_x86")
	l.DurationARM = pr("lambda.duration_arm64")
	l.ProvisionedX86 = pr("lambda.provisioned_x86")
	l.ProvisionedARM = pr("lambda.provisioned_arm64")
	l.ProvisionedDurationX86 = pr("lambda.provisioned_duration_x86")
	l.ProvisionedDurationARM = pr("lambda.provisioned_duration_arm64")
	l.Ephemeral = pr("lambda.ephemeral_storage")
	l.FreeRequests = fr("lambda.requests")
	l.FreeDuration = fr("lambda.duration")

	a := &p.APIGateway
	a.REST = pr("apigateway.rest_requests")
	a.HTTP = pr("apigateway.http_requests")
	a.FreeREST = fr("apigateway.rest_requests")
	a.FreeHTTP = fr("apigateway.http_requests")
	for _, v := range p.All {
		if v.Service != "apigateway" || !strings.HasPrefix(v.Key, "cache_") {
			continue
		}
		var gb float64
		if _, err := fmt.Sscanf(strings.TrimPrefix(v.Key, "cache_"), "%g", &gb); err != nil {
			return nil, fmt.Errorf("sim: price table apigateway: bad cache size in %s", v.Key)
		}
		a.CacheGB = append(a.CacheGB, gb)
		a.Cache = append(a.Cache, v)
	}
	sort.Sort(cacheBySize{a.CacheGB, a.Cache})
	for _, gb := range a.CacheGB {
		a.CacheItem = append(a.CacheItem, fmt.Sprintf("Cache memory (%g GB)", gb))
	}

	d := &p.DynamoDB
	d.WRU = pr("dynamodb.write_request_units")
	d.RRU = pr("dynamodb.read_request_units")
	d.WCUHour = pr("dynamodb.wcu_hour")
	d.RCUHour = pr("dynamodb.rcu_hour")
	d.ReplicatedWCUHour = pr("dynamodb.replicated_wcu_hour")
	d.ReplicatedWRU = pr("dynamodb.replicated_write_request_units")
	d.Storage = pr("dynamodb.storage")
	d.PITR = pr("dynamodb.pitr")
	d.StreamReads = pr("dynamodb.stream_reads")
	d.FreeStorage = fr("dynamodb.storage")
	d.FreeRCU = fr("dynamodb.rcu")
	d.FreeWCU = fr("dynamodb.wcu")

	s := &p.S3
	s.Storage = pr("s3.storage")
	s.Put = pr("s3.put_requests")
	s.Get = pr("s3.get_requests")
	s.FreeStorage = fr("s3.storage")
	s.FreeGet = fr("s3.get_requests")
	s.FreePut = fr("s3.put_requests")

	k := &p.KMS
	k.CustomerKey = pr("kms.customer_key")
	k.Requests = pr("kms.symmetric_requests")
	k.BucketKeyShare = pr("kms.bucket_key_request_share")
	k.FreeRequests = fr("kms.symmetric_requests")

	c := &p.CloudWatch
	c.AlarmStandard = pr("cloudwatch.alarm_standard")
	c.AlarmHighRes = pr("cloudwatch.alarm_high_resolution")
	c.LogsIngestion = pr("cloudwatch.logs_ingestion")
	c.FreeAlarms = fr("cloudwatch.alarm_standard")
	c.FreeLogs = fr("cloudwatch.logs")

	q := &p.SQS
	q.Standard = pr("sqs.standard_requests")
	q.FIFO = pr("sqs.fifo_requests")
	q.FreeRequests = fr("sqs.requests")

	p.DataTransfer.InterRegion = pr("datatransfer.inter_region")

	if len(missing) > 0 {
		return nil, fmt.Errorf("sim: price tables for %s lack %s", region, strings.Join(missing, ", "))
	}
	return p, nil
}

type cacheBySize struct {
	gb []float64
	p  []*Price
}

func (c cacheBySize) Len() int           { return len(c.gb) }
func (c cacheBySize) Less(i, j int) bool { return c.gb[i] < c.gb[j] }
func (c cacheBySize) Swap(i, j int) {
	c.gb[i], c.gb[j] = c.gb[j], c.gb[i]
	c.p[i], c.p[j] = c.p[j], c.p[i]
}

// cacheIndex is the index of the smallest cache size of at least gb (API
// Gateway offers fixed sizes; the largest when gb exceeds them all), or -1
// for gb <= 0.
func (p *Prices) cacheIndex(gb float64) int {
	a := &p.APIGateway
	if !(gb > 0) || len(a.CacheGB) == 0 {
		return -1
	}
	for i, size := range a.CacheGB {
		if gb <= size+1e-9 {
			return i
		}
	}
	return len(a.CacheGB) - 1
}
