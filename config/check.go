package config

import (
	"errors"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"golang.org/x/text/language"
)

// idPattern keeps document ids usable as they are in URLs, file names and
// feed identifiers without escaping.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`) })

// minEvery is the shortest "@every" interval accepted: polling a policy page
// more often than once a minute only gets the watcher blocked.
const minEvery = time.Minute

// maxBodyLimit caps fetch.max_body so that a typo cannot let one page
// exhaust memory.
const maxBodyLimit = 1 << 30

// checkCron reports why spec is not a schedule the scheduler accepts: the
// standard five cron fields (minute hour day-of-month month day-of-week),
// optionally prefixed by CRON_TZ=Zone, or a descriptor such as @hourly or
// @every 6h.
func checkCron(spec string) (err error) {
	// robfig/cron v3.0.1 slices out of range on a time-zone prefix with
	// nothing after it ("CRON_TZ=UTC"); turn that into an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("incomplete spec after the time zone")
		}
	}()
	if _, err := cron.ParseStandard(spec); err != nil {
		return err
	}
	rest := spec
	if strings.HasPrefix(rest, "TZ=") || strings.HasPrefix(rest, "CRON_TZ=") {
		_, rest, _ = strings.Cut(rest, " ")
		rest = strings.TrimSpace(rest)
	}
	if d, ok := strings.CutPrefix(rest, "@every "); ok {
		every, err := time.ParseDuration(strings.TrimSpace(d))
		if err == nil && every < minEvery {
			return tooOftenError{every}
		}
	}
	return nil
}

// tooOftenError says that an "@every" schedule is below minEvery; it gets
// its own message because the spec parses and only the advice differs.
type tooOftenError struct{ every time.Duration }

func (e tooOftenError) Error() string {
	return fmt.Sprintf("@every %s is more often than once a minute", e.every)
}

// checkSelector reports why sel is not a CSS selector group the extractor
// (goquery, which uses cascadia) can use. goquery silently matches nothing
// on an invalid selector, so catching it here is the only warning there is.
func checkSelector(sel string) error {
	if strings.TrimSpace(sel) == "" {
		return fmt.Errorf("empty selector")
	}
	_, err := cascadia.ParseGroup(sel)
	return err
}

// checkHTTPURL reports why s is not an absolute http or https URL.
func checkHTTPURL(s string) error {
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("has spaces around it")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return fmt.Errorf("no scheme")
		}
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("no host")
	}
	return nil
}

// checkLanguage parses a BCP 47 language tag and returns it in canonical
// form ("EN-gb" becomes "en-GB") so that comparisons elsewhere are exact.
func checkLanguage(s string) (string, error) {
	tag, err := language.Parse(s)
	if err != nil {
		return "", errors.New(strings.TrimPrefix(err.Error(), "language: "))
	}
	return tag.String(), nil
}

// checkEmail reports why s is not a single mail address such as
// "Clausewatch <alerts@example.org>".
func checkEmail(s string) error {
	_, err := mail.ParseAddress(s)
	return err
}

// sizeUnit returns the multiplier of a byte-size suffix (lower case). Both
// the binary (KiB) and decimal (KB) forms are accepted because people write
// both and mean roughly the same.
func sizeUnit(u string) (int64, bool) {
	switch u {
	case "", "b":
		return 1, true
	case "kb":
		return 1000, true
	case "kib":
		return 1 << 10, true
	case "mb":
		return 1000 * 1000, true
	case "mib":
		return 1 << 20, true
	case "gb":
		return 1000 * 1000 * 1000, true
	case "gib":
		return 1 << 30, true
	}
	return 0, false
}

var sizePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)\s*([A-Za-z]*)$`) })

// ParseSize reads a byte count written as digits with an optional unit,
// such as "10MiB", "512 KiB" or "1048576": sizes in the config file and in
// command-line flags are written the same way.
func ParseSize(s string) (int64, error) {
	m := sizePattern().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("not a size")
	}
	mult, ok := sizeUnit(strings.ToLower(m[2]))
	if !ok {
		return 0, fmt.Errorf("unknown unit %q", m[2])
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("too large")
	}
	return n * mult, nil
}
