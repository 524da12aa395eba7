package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Token purposes. A token signed for one purpose is refused for another, so
// that a preferences link cannot confirm or an unsubscribe link be replayed
// as a confirmation.
const (
	PurposeConfirm     = "confirm"
	PurposeUnsubscribe = "unsubscribe"
	PurposePreferences = "preferences"
)

// Token lifetimes. A confirmation link lives 7 days, as the subscription
// form promises. Links in alert emails live a year: an unsubscribe link in a
// months-old email must still work (RFC 8058 one-click, and the law in many
// places), and it only ever unsubscribes or edits that one subscriber.
const (
	ConfirmTTL = 7 * 24 * time.Hour
	LinkTTL    = 365 * 24 * time.Hour
)

// Errors of Verify.
var (
	ErrTokenInvalid = errors.New("the link is damaged or was not issued by this server")
	ErrTokenExpired = errors.New("the link has expired")
)

// Tokens signs and checks the links sent to subscribers: purpose,
// subscriber id and expiry, with HMAC-SHA256 under the server secret. They
// need no storage; a subscriber id is never reused (data uses AUTOINCREMENT).
type Tokens struct {
	key []byte
	now func() time.Time
}

// NewTokens returns a signer. The secret should have at least 32 random
// bytes (data.DB.Secret generates them).
func NewTokens(secret []byte, now func() time.Time) (*Tokens, error) {
	if len(secret) < 16 {
		return nil, errors.New("notify: tokens: secret shorter than 16 bytes (set CLAUSEWATCH_SECRET to a long random string, or unset it to use the generated one)")
	}
	if now == nil {
		return nil, errors.New("notify: tokens: no clock given")
	}
	// Derive a key per use so the stored secret can sign other things later.
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("clausewatch link tokens v1"))
	return &Tokens{key: m.Sum(nil), now: now}, nil
}

// Sign returns a URL-safe token for the subscriber, valid for ttl.
func (t *Tokens) Sign(purpose string, subscriberID int64, ttl time.Duration) string {
	payload := make([]byte, 16)
	binary.BigEndian.PutUint64(payload[:8], uint64(subscriberID))
	binary.BigEndian.PutUint64(payload[8:], uint64(t.now().Add(ttl).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, t.mac(purpose, payload)...))
}

func (t *Tokens) mac(purpose string, payload []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// Verify checks a token for purpose and returns the subscriber id it names.
func (t *Tokens) Verify(purpose, token string) (int64, error) {
	if len(token) > 64 {
		return 0, ErrTokenInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 32 {
		return 0, ErrTokenInvalid
	}
	payload, sum := b[:16], b[16:]
	if !hmac.Equal(sum, t.mac(purpose, payload)) {
		return 0, ErrTokenInvalid
	}
	id := int64(binary.BigEndian.Uint64(payload[:8]))
	exp := time.Unix(int64(binary.BigEndian.Uint64(payload[8:])), 0)
	if !t.now().Before(exp) {
		return 0, fmt.Errorf("%w on %s", ErrTokenExpired, exp.UTC().Format("2006-01-02"))
	}
	return id, nil
}
