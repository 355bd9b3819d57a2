package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/crypto/bcrypt"

	"github.com/feedfold/feedfold/aggregator"
	"github.com/feedfold/feedfold/store"
)

// Options configure the server.
type Options struct {
	// User and Password are the single account's credentials. An empty
	// password leaves every authenticated endpoint refusing all requests.
	User, Password string
	// MaxBodyBytes bounds request bodies (default 4 MiB; OPML imports are
	// the largest legitimate bodies).
	MaxBodyBytes int64
}

// Server serves the HTTP API over a store and the aggregator polling it.
type Server struct {
	db   *store.DB
	agg  *aggregator.Aggregator
	log  *slog.Logger
	opts Options
	// hash is the bcrypt hash of the password: the plain text is not kept.
	hash []byte
	// verified caches sha256(user:password) of credentials that passed
	// bcrypt, so each request costs a constant-time compare, not a bcrypt.
	mu       sync.Mutex
	verified map[[32]byte]bool
	// failures counts recent failed logins per client address.
	limiter *loginLimiter
	start   time.Time
	san     *bluemonday.Policy
	// feverKey is md5("user:password"), the Fever API's credential.
	feverKey string
}

// NewUser makes the stored account record for name and password.
func NewUser(name, password string) (store.User, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return store.User{}, fmt.Errorf("hash password: %w", err)
	}
	return store.User{Name: name, Hash: h, FeverKey: feverKey(name, password)}, nil
}

// New builds the server's handler. Credentials come from opts, or, when
// opts.Password is empty, from the stored user.
func New(db *store.DB, agg *aggregator.Aggregator, opts Options, log *slog.Logger) (*Server, http.Handler, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 4 << 20
	}
	s := &Server{db: db, agg: agg, log: log, opts: opts, verified: map[[32]byte]bool{}, limiter: newLoginLimiter(), start: time.Now(), san: Sanitizer()}
	if opts.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(opts.Password), bcrypt.DefaultCost)
		if err != nil {
			return nil, nil, fmt.Errorf("hash password: %w", err)
		}
		s.hash = h
		s.feverKey = feverKey(opts.User, opts.Password)
		s.opts.Password = ""
	} else {
		// No password in the environment: the account set with
		// `feedfold user set`, if any.
		db.View(func(tx *store.Tx) error {
			if u, err := tx.FirstUser(); err == nil {
				s.opts.User, s.hash, s.feverKey = u.Name, u.Hash, u.FeverKey
			}
			return nil
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.auth(http.HandlerFunc(s.metrics)))
	s.routesAPI(mux)
	s.routesGReader(mux)
	s.routesFever(mux)
	mux.Handle("GET /feeds/{file}", s.authOrToken(http.HandlerFunc(s.outputFeed)))
	mux.Handle("GET /feeds/category/{file}", s.authOrToken(http.HandlerFunc(s.outputFeed)))
	return s, s.middleware(mux), nil
}

// middleware adds request logging, security headers and the body limit.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		// The path only: query strings may carry tokens.
		s.log.Info("request", "method", r.Method, "path", r.URL.EscapedPath(), "status", sw.status, "duration", time.Since(start), "remote", r.RemoteAddr)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// auth requires HTTP Basic credentials of the configured user.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddr(r)
		if s.limiter.blocked(client) {
			w.Header().Set("Retry-After", "60")
			writeError(w, http.StatusTooManyRequests, errors.New("too many failed logins; try again in a minute"))
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || !s.check(user, pass) {
			if ok {
				s.limiter.fail(client)
			}
			w.Header().Set("WWW-Authenticate", `Basic realm="feedfold"`)
			writeError(w, http.StatusUnauthorized, errors.New("authentication required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check verifies credentials in constant time (bcrypt once, then a cached
// digest compared with subtle.ConstantTimeCompare).
func (s *Server) check(user, pass string) bool {
	if s.hash == nil {
		return false
	}
	sum := sha256.Sum256([]byte(user + "\x00" + pass))
	s.mu.Lock()
	ok := s.verified[sum]
	s.mu.Unlock()
	if ok {
		return true
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.User)) == 1
	passOK := bcrypt.CompareHashAndPassword(s.hash, []byte(pass)) == nil
	if userOK && passOK {
		s.mu.Lock()
		s.verified[sum] = true
		s.mu.Unlock()
		return true
	}
	return false
}

// HasCredentials reports whether any account can log in.
func (s *Server) HasCredentials() bool { return s.hash != nil }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.View(func(*store.Tx) error { return nil }); err != nil {
		writeError(w, http.StatusServiceUnavailable, errors.New("database unavailable"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "uptime_seconds": int(time.Since(s.start).Seconds())})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers {"error": "..."} with the status.
func writeError(w http.ResponseWriter, status int, err error) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryPreparing)
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// retryPreparing is the Retry-After (seconds) of a request that needs the
// fingerprint index while the aggregator prepares it: loading takes
// seconds, signing stored items again after an upgrade up to minutes.
const retryPreparing = "30"

// statusOf maps errors to HTTP statuses in one place.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrExists):
		return http.StatusConflict
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, context.Canceled):
		return 499
	case errors.Is(err, aggregator.ErrPreparing):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ListenAndServe serves handler on addr until ctx is cancelled, then shuts
// down gracefully (in-flight requests get 10 s).
func ListenAndServe(ctx context.Context, addr string, handler http.Handler, log *slog.Logger) error {
	srv := &http.Server{Addr: addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("http listening", "addr", addr)
	select {
	case err := <-errc:
		return fmt.Errorf("listen %s: %w", addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
