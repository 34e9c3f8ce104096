// grpc-load: a gRPC client dialled as a kubelet dials its CRI runtime (grpc-go over a Unix
// socket, insecure, BDP estimation on as by default, client keepalive), making unary calls from
// several goroutines on one connection. Built in the test run from Debian's golang-google-grpc-dev
// (GOPATH mode). Prints one JSON object: calls, errors, the first error, latency percentiles,
// and how many connections were opened (a GOAWAY from the server makes grpc-go open another).
//
//	grpc-load -socket PATH -method /pkg.Service/Method [-request HEX] [-calls N] [-workers N]
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/stats"
)

// rawCodec sends and receives message bytes as they are: no generated stubs needed.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// connections counts the transports grpc-go opened.
type connections struct{ begun int64 }

func (c *connections) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (c *connections) HandleRPC(context.Context, stats.RPCStats)                          {}
func (c *connections) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (c *connections) HandleConn(_ context.Context, s stats.ConnStats) {
	if _, ok := s.(*stats.ConnBegin); ok {
		atomic.AddInt64(&c.begun, 1)
	}
}

func main() {
	socket := flag.String("socket", "", "the server's Unix socket")
	method := flag.String("method", "", "full method name, /package.Service/Method")
	requestHex := flag.String("request", "", "the request message, hex-encoded protobuf")
	calls := flag.Int("calls", 20000, "calls in all")
	workers := flag.Int("workers", 8, "goroutines making calls")
	flag.Parse()
	request, err := hex.DecodeString(*requestHex)
	if err != nil || *socket == "" || *method == "" {
		fmt.Fprintln(os.Stderr, "usage: grpc-load -socket PATH -method /pkg.Service/Method [-request HEX]")
		os.Exit(2)
	}
	counter := &connections{}
	dialer := func(ctx context.Context, address string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", address)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// As the kubelet's remote runtime client dials (pkg/kubelet/cri/remote): insecure, a context
	// dialer, large messages allowed; plus keepalive, as the kubelet-like client uses.
	conn, err := grpc.DialContext(ctx, *socket,
		grpc.WithInsecure(), grpc.WithBlock(), grpc.WithContextDialer(dialer),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.ForceCodec(rawCodec{})),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 10 * time.Second, Timeout: 5 * time.Second}),
		grpc.WithStatsHandler(counter))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	defer conn.Close()

	var mutex sync.Mutex
	var latencies []float64
	var errors int64
	firstError := ""
	next := int64(-1)
	started := time.Now()
	var group sync.WaitGroup
	for w := 0; w < *workers; w++ {
		group.Add(1)
		go func() {
			defer group.Done()
			local := make([]float64, 0, *calls / *workers + 1)
			for atomic.AddInt64(&next, 1) < int64(*calls) {
				callCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
				in := request
				var out []byte
				t0 := time.Now()
				err := conn.Invoke(callCtx, *method, &in, &out)
				local = append(local, float64(time.Since(t0).Microseconds())/1000)
				done()
				if err != nil {
					mutex.Lock()
					errors++
					if firstError == "" {
						firstError = err.Error()
					}
					mutex.Unlock()
				}
			}
			mutex.Lock()
			latencies = append(latencies, local...)
			mutex.Unlock()
		}()
	}
	group.Wait()
	elapsed := time.Since(started).Seconds()
	sort.Float64s(latencies)
	percentile := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[int(p*float64(len(latencies)-1))]
	}
	json.NewEncoder(os.Stdout).Encode(map[string]interface{}{
		"calls": len(latencies), "errors": errors, "first_error": firstError,
		"p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "seconds": elapsed,
		"connections": atomic.LoadInt64(&counter.begun),
	})
}
