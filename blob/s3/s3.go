// Package s3 keeps the blob store's files in a bucket of an
// S3-compatible object store (Amazon S3, SeaweedFS, MinIO, Ceph…), through
// the minio-go client, so that several wengao instances share them.
//
// A store is named by a URL:
//
//	s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=REGION&secure=false
//
// endpoint defaults to s3.amazonaws.com, secure (HTTPS) to true, region
// to whatever the server says. The credentials come from the environment
// variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for temporary
// credentials, AWS_SESSION_TOKEN; they are never part of the URL, so the
// URL can be printed and logged.
package s3

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
	"github.com/wengao/wengao/blob"
)

// Scheme is the scheme of a store's URL.
const Scheme = "s3"

// Location is where a store keeps its files: a parsed store URL.
type Location struct {
	Bucket   string
	Prefix   string // of the object names, "" or ending in "/"
	Endpoint string // host:port
	Region   string // "" to ask the server
	Secure   bool   // HTTPS
}

// IsURL reports whether s names an S3 store (starts with s3://).
func IsURL(s string) bool {
	return strings.HasPrefix(strings.ToLower(s), Scheme+"://")
}

// ParseURL parses a store URL; see the package comment.
func ParseURL(s string) (*Location, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("blob URL: %v", err)
	}
	if !strings.EqualFold(u.Scheme, Scheme) {
		return nil, fmt.Errorf("blob URL %q: want s3://BUCKET?endpoint=HOST:PORT", s)
	}
	if u.User != nil {
		return nil, errors.New("blob URL: do not put credentials in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	loc := &Location{Bucket: u.Host, Endpoint: "s3.amazonaws.com", Secure: true}
	if err := s3utils.CheckValidBucketNameStrict(loc.Bucket); err != nil {
		return nil, fmt.Errorf("blob URL %q: bucket %q: %v", s, loc.Bucket, err)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if strings.Contains(p, "//") || strings.Contains("/"+p+"/", "/../") || strings.Contains("/"+p+"/", "/./") {
			return nil, fmt.Errorf("blob URL %q: bad prefix %q", s, p)
		}
		loc.Prefix = p + "/"
	}
	for name, vals := range u.Query() {
		v := vals[len(vals)-1]
		switch name {
		case "endpoint":
			host, port, err := net.SplitHostPort(v)
			if err != nil {
				host, port = v, ""
			}
			if host == "" || strings.ContainsAny(host, "/@?# ") {
				return nil, fmt.Errorf("blob URL %q: endpoint %q is not HOST or HOST:PORT", s, v)
			}
			if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) {
				return nil, fmt.Errorf("blob URL %q: endpoint %q has a bad port", s, v)
			}
			loc.Endpoint = v
		case "region":
			loc.Region = v
		case "secure":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("blob URL %q: secure=%q is not true or false", s, v)
			}
			loc.Secure = b
		default:
			return nil, fmt.Errorf("blob URL %q: unknown parameter %q (known: endpoint, region, secure)", s, name)
		}
	}
	return loc, nil
}

// String returns the location as a URL that ParseURL reads.
func (l *Location) String() string {
	q := url.Values{}
	q.Set("endpoint", l.Endpoint)
	if l.Region != "" {
		q.Set("region", l.Region)
	}
	if !l.Secure {
		q.Set("secure", "false")
	}
	path := ""
	if l.Prefix != "" {
		path = "/" + strings.TrimSuffix(l.Prefix, "/")
	}
	return Scheme + "://" + l.Bucket + path + "?" + q.Encode()
}

// Credentials are an access key, read from the environment by
// CredentialsFromEnv.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// CredentialsFromEnv reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN with getenv (os.LookupEnv outside tests); the first
// two are required.
func CredentialsFromEnv(getenv func(string) (string, bool)) (Credentials, error) {
	get := func(k string) string { v, _ := getenv(k); return v }
	c := Credentials{get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"), get("AWS_SESSION_TOKEN")}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return Credentials{}, errors.New("an s3:// blob store needs the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return c, nil
}

// Store is a blob.Store in an S3 bucket. The content of key is the object
// PREFIX<key>; objects whose names are not keys are ignored.
//
// A Put first writes the content to a temporary local file, hashing it,
// then uploads it under its key unless an object of that key and size is
// already there (which it only re-stamps, see ModTime). An upload is
// atomic in S3: readers see the whole object or none, and an interrupted
// Put leaves no object (an interrupted multipart upload leaves parts that
// a bucket lifecycle rule should abort after a day).
type Store struct {
	client *minio.Client
	loc    Location
	tmpDir string
}

var _ blob.Store = (*Store)(nil)

// retries is how many times the client tries a request that failed on
// the network or with a server error: enough to ride out a hiccup, few
// enough that an unreachable endpoint fails within seconds.
const retries = 3

// Open returns the store at loc with the credentials, after checking
// that the bucket exists and that the credentials may use it. Temporary
// files of Puts go to os.TempDir().
func Open(ctx context.Context, loc *Location, cred Credentials) (*Store, error) {
	client, err := minio.New(loc.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cred.AccessKeyID, cred.SecretAccessKey, cred.SessionToken),
		Secure:     loc.Secure,
		Region:     loc.Region,
		MaxRetries: retries,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 endpoint %s: %v", loc.Endpoint, err)
	}
	s := &Store{client: client, loc: *loc, tmpDir: os.TempDir()}
	ok, err := client.BucketExists(ctx, loc.Bucket)
	if err != nil {
		return nil, s.fail("check the bucket", err)
	}
	if !ok {
		return nil, fmt.Errorf("s3: bucket %q does not exist at %s: create it, or correct the blob URL", loc.Bucket, loc.Endpoint)
	}
	// Listing needs its own permission, which gc and backups use: find
	// out now rather than at the first backup.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if obj, ok := <-client.ListObjects(ctx, loc.Bucket, minio.ListObjectsOptions{Prefix: loc.Prefix, MaxKeys: 1}); ok && obj.Err != nil {
		return nil, s.fail("list the bucket", obj.Err)
	}
	return s, nil
}

// OpenURL parses rawURL and opens the store it names with the
// credentials of the environment (read with getenv).
func OpenURL(ctx context.Context, rawURL string, getenv func(string) (string, bool)) (*Store, error) {
	loc, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cred, err := CredentialsFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return Open(ctx, loc, cred)
}

// String names the store for messages: its URL.
func (s *Store) String() string { return s.loc.String() }

// Location returns where the store keeps its files.
func (s *Store) Location() Location { return s.loc }

// object returns the object name of a valid key.
func (s *Store) object(key string) string { return s.loc.Prefix + key }

// fail turns an error of the client into one that says what failed
// where, in words rather than the server's XML; the client's error stays
// reachable with errors.As. A server that cannot be reached or answers
// 5xx gives a *blob.UnavailableError: the user reads that files are out
// of reach for now, the operator the cause.
func (s *Store) fail(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	where := fmt.Sprintf("bucket %q at %s", s.loc.Bucket, s.loc.Endpoint)
	resp := minio.ToErrorResponse(err)
	switch resp.Code {
	case "":
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the request's URL says nothing the message does not
		}
		return &blob.UnavailableError{Err: fmt.Errorf("s3: %s (%s): cannot reach the server: %w", op, where, err)}
	case minio.NoSuchBucket:
		return fmt.Errorf("s3: %s: %s does not exist: %w", op, where, err)
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "InvalidSecurity":
		return fmt.Errorf("s3: %s: %s refused access (%s): check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's permissions: %w", op, where, resp.Code, errMessage{err})
	}
	err = fmt.Errorf("s3: %s (%s): %s: %w", op, where, resp.Code, errMessage{err})
	if resp.StatusCode >= 500 {
		return &blob.UnavailableError{Err: err} // the server cannot serve now
	}
	return err
}

// errMessage wraps a client error, showing only its message (the server's
// message can repeat the code; it has no XML).
type errMessage struct{ err error }

func (e errMessage) Error() string {
	if resp := minio.ToErrorResponse(e.err); resp.Message != "" {
		return resp.Message
	}
	return e.err.Error()
}
func (e errMessage) Unwrap() error { return e.err }

// notFound reports an error that says the object does not exist.
func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// checkKey returns an error wrapping blob.ErrInvalidKey unless key is
// valid.
func checkKey(key string) error {
	if blob.ValidKey(key) {
		return nil
	}
	const show = 80 // do not echo an arbitrarily long input
	if len(key) > show {
		key = key[:show] + "…"
	}
	return fmt.Errorf("%w %q: want %d lowercase hex digits", blob.ErrInvalidKey, key, blob.KeyLen)
}

// partSize is the size of the parts of a multipart upload: files up to it
// (every upload, at the default limits) go in one request, which is
// quicker than several parts on SeaweedFS.
const partSize = 64 << 20

// storedMeta is the user metadata that a re-stamp sets (S3 needs a change
// to copy an object onto itself).
const storedMeta = "Wengao-Stored"

// Put stores the content of r; see blob.Store.
func (s *Store) Put(ctx context.Context, r io.Reader, max int64) (key string, size int64, err error) {
	if max < 0 {
		return "", 0, fmt.Errorf("blob: negative size limit %d", max)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	f, err := os.CreateTemp(s.tmpDir, "wengao-s3-put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	limit := max
	if limit < math.MaxInt64 {
		limit++ // one byte more tells a content of exactly max bytes from a larger one
	}
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(blob.ContextReader(ctx, r), limit))
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, fmt.Errorf("blob: storing: %w", err)
	}
	if size > max {
		return "", 0, &blob.TooLargeError{Max: max}
	}
	key = hex.EncodeToString(h.Sum(nil))
	name := s.object(key)

	// Already stored (and whole: an object of another size is a damaged
	// copy, which the new one replaces): stamped again, so that a sweep
	// of unreferenced files leaves it to the record about to refer to it.
	info, err := s.client.StatObject(ctx, s.loc.Bucket, name, minio.StatObjectOptions{})
	switch {
	case err == nil && info.Size == size:
		if s.restamp(ctx, name) == nil {
			return key, size, nil
		}
		// An object too large to copy in one request, or a server
		// without copies: upload it again, which stamps it too.
	case err != nil && !notFound(err):
		return "", 0, s.fail("check "+key, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	// The file itself, not a wrapper: as an io.ReaderAt it lets a
	// multipart upload read its parts in place, where another reader
	// would cost a buffer of a part's size in memory per upload. The
	// requests stop with ctx.
	_, err = s.client.PutObject(ctx, s.loc.Bucket, name, f, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		PartSize:    partSize,
	})
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, s.fail("store "+key, err)
	}
	return key, size, nil
}

// restamp copies the object onto itself, which gives it a new
// modification time.
func (s *Store) restamp(ctx context.Context, name string) error {
	_, err := s.client.CopyObject(ctx,
		minio.CopyDestOptions{Bucket: s.loc.Bucket, Object: name, ReplaceMetadata: true,
			UserMetadata: map[string]string{storedMeta: time.Now().UTC().Format(time.RFC3339Nano)}},
		minio.CopySrcOptions{Bucket: s.loc.Bucket, Object: name})
	return err
}

// Open opens the content of key; see blob.Store. The reader reads the
// object with ranged requests, from where Seek puts it, under ctx.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	obj, err := s.client.GetObject(ctx, s.loc.Bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, s.fail("open "+key, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if notFound(err) {
			return nil, 0, fmt.Errorf("blob %s: %w", key, fs.ErrNotExist)
		}
		return nil, 0, s.fail("open "+key, err)
	}
	return obj, info.Size, nil
}

// Exists reports whether key is stored; see blob.Store.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	_, err := s.stat(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// stat returns the information of key's object, or an error satisfying
// errors.Is(err, fs.ErrNotExist) when it is not stored.
func (s *Store) stat(ctx context.Context, key string) (minio.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return minio.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return minio.ObjectInfo{}, err
	}
	info, err := s.client.StatObject(ctx, s.loc.Bucket, s.object(key), minio.StatObjectOptions{})
	if notFound(err) {
		return info, fmt.Errorf("blob %s: %w", key, fs.ErrNotExist)
	}
	if err != nil {
		return info, s.fail("look up "+key, err)
	}
	return info, nil
}

// Delete removes the content of key; see blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.loc.Bucket, s.object(key), minio.RemoveObjectOptions{})
	if err != nil && !notFound(err) {
		return s.fail("delete "+key, err)
	}
	return nil
}

// Walk calls fn with the key and size of every stored object, in the
// order of the keys (S3 lists names in byte order); see blob.Lister.
func (s *Store) Walk(ctx context.Context, fn func(key string, size int64) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when fn fails
	for obj := range s.client.ListObjects(ctx, s.loc.Bucket, minio.ListObjectsOptions{Prefix: s.loc.Prefix, Recursive: true}) {
		if obj.Err != nil {
			return s.fail("list the files", obj.Err)
		}
		key, ok := strings.CutPrefix(obj.Key, s.loc.Prefix)
		if !ok || !blob.ValidKey(key) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(key, obj.Size); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// ModTime returns when the content of key was last stored (the object's
// modification time, which a Put of the same content renews); see
// blob.Lister.
func (s *Store) ModTime(ctx context.Context, key string) (time.Time, error) {
	info, err := s.stat(ctx, key)
	if err != nil {
		return time.Time{}, err
	}
	return info.LastModified, nil
}
