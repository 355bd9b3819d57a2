package aggregator

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Errors a fetch can fail with. Each becomes the feed's last_error, so the
// messages are written for the user.
var (
	ErrTooLarge          = errors.New("response body exceeds the size limit")
	ErrTooManyRedirects  = errors.New("too many redirects")
	ErrBlockedAddress    = errors.New("address is not allowed (loopback, private or link-local; set FEEDFOLD_ALLOW_PRIVATE_NETWORKS=true to allow)")
	ErrUnsupportedScheme = errors.New("only http and https URLs are fetched")
)

// StatusError is an HTTP answer other than 2xx or 304.
type StatusError struct {
	Code       int
	RetryAfter time.Duration // from Retry-After on 429/503, else 0
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// FetchOptions configure a Fetcher. Zero values take the documented defaults.
type FetchOptions struct {
	UserAgent string
	// MaxBodyBytes limits the body after decompression (default 10 MiB), so
	// a gzip bomb is stopped at the same size as a plain huge body.
	MaxBodyBytes int64
	// ConnectTimeout bounds TCP connect plus TLS handshake (default 10 s).
	ConnectTimeout time.Duration
	// Timeout bounds the whole fetch, body included (default 30 s), so a
	// server trickling one byte a second cannot hold a worker.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed (default 5).
	MaxRedirects int
	// AllowPrivateNetworks permits loopback, private and link-local
	// addresses. Off by default: a feed URL must not reach the host's own
	// services or a cloud metadata endpoint.
	AllowPrivateNetworks bool
}

// Validators are the conditional-GET validators stored for a feed.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a fetched feed.
type Response struct {
	Status       int
	NotModified  bool
	Body         []byte // decompressed; nil on 304
	ETag         string
	LastModified string
	ContentType  string
	// FinalURL is the URL after redirects; PermanentRedirect is true when
	// every hop was 301 or 308, so the subscription should move there.
	FinalURL          string
	PermanentRedirect bool
	MaxAge            time.Duration // Cache-Control max-age, 0 if absent
	// buf holds Body when it came from the Fetcher's pool (see Release).
	buf *bytes.Buffer
}

// Fetcher performs feed HTTP requests with feedfold's limits. It is safe for
// concurrent use.
type Fetcher struct {
	opts   FetchOptions
	client *http.Client
	// bodies lends readBody its buffers, given back by Release: a poll
	// otherwise allocates every byte of every feed afresh (180 MB for a
	// thousand feeds, the largest single source of garbage while polling).
	bodies sync.Pool
}

// maxPooledBody bounds the buffers Release keeps: one huge feed should
// not pin its size for the life of the process.
const maxPooledBody = 1 << 20

// Release gives r's body back to f for later fetches. Call it once nothing
// refers to r.Body any more (Parse copies what it keeps); r.Body is nil
// afterwards. Not calling it is fine: the body is then garbage as usual.
func (f *Fetcher) Release(r *Response) {
	f.recycle(r.buf)
	r.Body, r.buf = nil, nil
}

// recycle puts buf back in the pool unless it is nil or too large to keep.
func (f *Fetcher) recycle(buf *bytes.Buffer) {
	if buf != nil && buf.Cap() <= maxPooledBody {
		buf.Reset()
		f.bodies.Put(buf)
	}
}

// NewFetcher builds a Fetcher with its own transport.
func NewFetcher(opts FetchOptions) *Fetcher {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 10 << 20
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "feedfold/0.1"
	}
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		// Control runs after DNS resolution, on the address actually
		// dialled, so a public name resolving to 127.0.0.1 is refused too,
		// on the first request and on every redirect.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, ErrBlockedAddress)
			}
			if blocked(ip) {
				return fmt.Errorf("dial %s: %w", address, ErrBlockedAddress)
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		DisableCompression:    true, // we decode, so the size limit sees decompressed bytes
		ForceAttemptHTTP2:     true,
	}
	f := &Fetcher{opts: opts}
	f.client = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: %w", req.URL.Scheme, ErrUnsupportedScheme)
			}
			return nil
		},
	}
	return f
}

// blocked reports whether ip is in a range feeds may not reach by default.
func blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("169.254.0.0/16"), // link-local, cloud metadata
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("fd00:ec2::/32"),  // AWS IMDS over IPv6
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved
	netip.MustParsePrefix("255.255.255.255/32"),
}

// Fetch GETs rawURL with the validators, within the configured limits.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, ErrUnsupportedScheme)
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.describe(ctx, err)
	}
	defer resp.Body.Close()

	r := &Response{
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
		FinalURL:     resp.Request.URL.String(),
		MaxAge:       maxAge(resp.Header.Get("Cache-Control")),
	}
	r.PermanentRedirect = permanentChain(resp)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.NotModified = true
		if r.ETag == "" {
			r.ETag = v.ETag
		}
		if r.LastModified == "" {
			r.LastModified = v.LastModified
		}
		return r, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		se := &StatusError{Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		return r, se
	}
	buf, _ := f.bodies.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	if err := f.readBody(resp, buf); err != nil {
		f.recycle(buf)
		return nil, f.describe(ctx, err)
	}
	r.Body, r.buf = buf.Bytes(), buf
	return r, nil
}

// describe turns a transport error into the message a user sees.
func (f *Fetcher) describe(ctx context.Context, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		return fmt.Errorf("timed out after %s: %w", f.opts.Timeout, err)
	}
	return err
}

// readBody reads and decompresses the body, failing once more than
// MaxBodyBytes of decompressed data arrive.
func (f *Fetcher) readBody(resp *http.Response, buf *bytes.Buffer) error {
	var r io.Reader = resp.Body
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))) {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
	case "deflate":
		zr := flate.NewReader(resp.Body)
		defer zr.Close()
		r = zr
	default:
		return fmt.Errorf("unsupported Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	buf.Reset()
	if resp.ContentLength > 0 && resp.ContentLength <= f.opts.MaxBodyBytes {
		// ReadFrom wants MinRead bytes free before each read, EOF's
		// included: without them, a buffer of exactly the body's length
		// is copied into one twice its size at the end.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, f.opts.MaxBodyBytes+1))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if n > f.opts.MaxBodyBytes {
		return fmt.Errorf("%w (%d bytes)", ErrTooLarge, f.opts.MaxBodyBytes)
	}
	return nil
}

// permanentChain reports whether the response came through at least one
// redirect and every redirect of the chain was permanent.
func permanentChain(resp *http.Response) bool {
	hops := 0
	for r := resp.Request.Response; r != nil; r = r.Request.Response {
		hops++
		if r.StatusCode != http.StatusMovedPermanently && r.StatusCode != http.StatusPermanentRedirect {
			return false
		}
	}
	return hops > 0
}

// retryAfter parses Retry-After as seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxAge parses max-age from a Cache-Control header.
func maxAge(h string) time.Duration {
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "max-age") {
			if s, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && s > 0 {
				return time.Duration(s) * time.Second
			}
		}
	}
	return 0
}
