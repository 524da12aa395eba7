package tracker

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/scraper"
)

// Reasons for the gates of this file: a page that stands in front of the
// policy (a wall), bytes that are not text (garbage), and text whose
// charset the body's bytes contradict.
const (
	reasonWall    = "wall"
	reasonGarbage = "garbage"
	reasonCharset = "charset"
)

// binarySignature is the first bytes of a file format that is never a
// policy page. Servers send such bodies as text/html when a compressed
// response loses its Content-Encoding or a download replaces the page.
type binarySignature struct {
	magic, name string
}

// binarySignatures lists the formats checkBody knows by their first bytes.
// A PDF is among them: a document is configured as HTML or text, so a PDF
// served under a text type is a mistake of the server, not the policy.
func binarySignatures() []binarySignature {
	return []binarySignature{
		{"\x1f\x8b", "gzip"},
		{"PK\x03\x04", "zip"},
		{"%PDF-", "PDF"},
		{"\x89PNG\r\n\x1a\n", "PNG"},
		{"\xff\xd8\xff", "JPEG"},
		{"GIF87a", "GIF"},
		{"GIF89a", "GIF"},
		{"BZh", "bzip2"},
		{"\xfd7zXZ\x00", "xz"},
		{"\x28\xb5\x2f\xfd", "zstd"},
		{"7z\xbc\xaf\x27\x1c", "7z"},
		{"\x00asm", "WebAssembly"},
		{"wOFF", "WOFF font"},
		{"wOF2", "WOFF2 font"},
	}
}

// checkBody refuses a body that is not text before anything reads it: a
// known binary format, control bytes or NULs (at least one in every
// kilobyte: text has none, compressed bytes have dozens), or bytes whose
// charset the decoding could only guess (dec.Doubt). A body whose encoding
// legitimately holds NULs (UTF-16, named by its byte order mark) is judged
// after decoding instead; UTF-16 without the mark is not guessed, and its
// NULs refuse it here.
func checkBody(body []byte, dec scraper.Decoding) *suspectError {
	lead := bytes.TrimLeft(body, " \t\r\n")
	for _, s := range binarySignatures() {
		if bytes.HasPrefix(lead, []byte(s.magic)) {
			return suspect(reasonGarbage, "body is %s data (it starts with % x), not text", s.name, []byte(s.magic))
		}
	}
	if !strings.HasPrefix(dec.Charset, "utf-16") && !strings.HasPrefix(dec.Charset, "iso-2022") {
		if n := controlBytes(body); n > 0 && n*1000 >= len(body) {
			return suspect(reasonGarbage, "body holds %d control bytes or NULs in %d bytes: binary, or UTF-16 without a byte order mark, not text", n, len(body))
		}
	}
	if dec.Doubt != "" {
		return suspect(reasonCharset, "%s", dec.Doubt)
	}
	return nil
}

// controlBytes counts the bytes that no text holds: C0 controls other than
// tab, line feed, form feed and carriage return, and DEL.
func controlBytes(body []byte) int {
	n := 0
	for _, c := range body {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f {
			n++
		}
	}
	return n
}

// checkGarbage refuses an extracted text that did not decode or is not
// language: more than one U+FFFD in 200 letters (a stray bad byte or two
// is tolerated, since the text around it is still the policy), or fewer
// than half of its characters in words (base64, scrambled bytes read as
// text).
func checkGarbage(text string) *suspectError {
	letters, fffd, controls := 0, 0, 0
	for i := 0; i < len(text); {
		// ASCII, most of a policy, without decoding runes; the
		// classes are those of the unicode package.
		if c := text[i]; c < utf8.RuneSelf {
			switch {
			case isASCIILetter(c):
				letters++
			case (c < 0x20 || c == 0x7f) && c != '\n' && c != '\t':
				controls++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			fffd++
		case unicode.IsLetter(r):
			letters++
		case unicode.IsControl(r):
			controls++
		}
	}
	if fffd > fewReplacements && fffd*200 > letters {
		return suspect(reasonGarbage, "text holds %d replacement characters (U+FFFD) for %d letters: its bytes did not decode", fffd, letters)
	}
	if controls > fewReplacements && controls*1000 > len(text) {
		return suspect(reasonGarbage, "text holds %d control characters, not text", controls)
	}
	words, other, fields := 0, 0, 0
	for i := 0; i < len(text); {
		for i < len(text) && isFieldSpace(text[i]) {
			i++
		}
		start, high := i, byte(0)
		for i < len(text) && !isFieldSpace(text[i]) {
			high |= text[i]
			i++
		}
		if f := text[start:i]; f != "" {
			fields++
			n := len(f)
			if high >= utf8.RuneSelf {
				n = utf8.RuneCountInString(f)
			}
			if isWord(f, high < utf8.RuneSelf) {
				words += n
			} else {
				other += n
			}
		}
	}
	if fields >= minFieldsForWords && other > words {
		return suspect(reasonGarbage, "text is mostly not words (%d of %d characters outside words)", other, words+other)
	}
	return nil
}

// isFieldSpace reports whether c separates the fields checkGarbage judges.
func isFieldSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }

// fewReplacements is how many U+FFFD or control characters a text holds
// before their share counts: one stray byte must not refuse a policy.
const fewReplacements = 3

// minFieldsForWords is how many space-separated fields a text needs before
// checkGarbage judges its share of words: a short text says too little.
const minFieldsForWords = 30

// isWord reports whether a space-separated field reads as a word: after
// the punctuation around it, letters (any script) with marks, digits and
// punctuation (apostrophes, hyphens, dots of abbreviations and numbers, the
// commas of scripts written without spaces), but no symbols; Latin words are at most 40 letters, while scripts written
// without spaces make longer fields.
func isWord(orig string, ascii bool) bool {
	if ascii {
		return isASCIIWord(orig)
	}
	f := strings.TrimFunc(orig, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if f == "" {
		// A bullet or a dash on its own is part of the text; a run of
		// symbols is not.
		return utf8.RuneCountInString(orig) <= 3
	}
	n, latin, letters := 0, 0, 0
	for _, r := range f {
		n++
		switch {
		case unicode.IsLetter(r):
			letters++
			if r < 0x250 {
				latin++
			}
		case unicode.IsDigit(r), unicode.IsMark(r):
		case unicode.IsPunct(r):
		default:
			return false
		}
	}
	if latin > 0 && latin*2 > letters && n > 40 {
		return false
	}
	return true
}

// isASCIIWord is isWord for a field of ASCII bytes, where every letter is
// Latin, without decoding runes.
func isASCIIWord(orig string) bool {
	alnum := func(c byte) bool { return isASCIILetter(c) || '0' <= c && c <= '9' }
	start, end := 0, len(orig)
	for start < end && !alnum(orig[start]) {
		start++
	}
	for end > start && !alnum(orig[end-1]) {
		end--
	}
	if start == end {
		return len(orig) <= 3
	}
	letters := false
	for i := start; i < end; i++ {
		switch c := orig[i]; {
		case isASCIILetter(c):
			letters = true
		case '0' <= c && c <= '9', unicode.IsPunct(rune(c)):
		default:
			return false
		}
	}
	return !letters || end-start <= 40
}

// isASCIILetter reports whether c is A-Z or a-z: setting bit 0x20 lowers
// the case of a letter and moves no other byte into a-z.
func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// wallKind is one kind of page that stands in front of the policy.
type wallKind string

const (
	wallCookies wallKind = "cookie-consent or privacy-choice page"
	wallLogin   wallKind = "login page"
	wallAge     wallKind = "age check"
	wallBot     wallKind = "captcha or bot check"
	wallApp     wallKind = "open-in-the-app page"
)

// wallPhrase is a phrase walls say and policies hardly do outside a
// button or a banner, in its matching form (see wallForm).
type wallPhrase struct {
	kind   wallKind
	phrase string
}

// wallLexicon holds what walls say in English, Spanish, Portuguese, French
// and German. Single words ("cookies", "log in", "entrar") are left out on
// purpose: policies use them in every section. The phrases are buttons,
// headings and questions of consent dialogs, login forms, age gates, bot
// checks and app banners.
var wallLexicon = sync.OnceValue(func() []wallPhrase {
	raw := map[wallKind][]string{
		wallCookies: {
			// English
			"allow the use of cookies", "accept all cookies", "allow all cookies", "accept cookies",
			"reject all cookies", "decline optional cookies", "only allow essential cookies",
			"allow essential and optional cookies", "manage cookie preferences", "cookie preferences",
			"cookie settings", "we value your privacy", "privacy checks", "accept all", "reject all",
			"manage preferences", "customize settings", "by clicking accept", "before you continue to google",
			"optional cookies", "essential cookies", "cookies from other companies", "your cookie choices",
			// Spanish
			"permitir el uso de cookies", "aceptar todas las cookies", "permitir todas las cookies",
			"rechazar cookies opcionales", "rechazar todas las cookies", "aceptar cookies", "rechazar todo",
			"aceptar todo", "configuración de cookies", "gestionar preferencias", "antes de ir a google",
			"cookies opcionales", "cookies esenciales", "valoramos tu privacidad",
			// Portuguese
			"permitir o uso de cookies", "aceitar todos os cookies", "permitir todos os cookies",
			"recusar cookies opcionais", "rejeitar todos os cookies", "aceitar cookies", "rejeitar tudo",
			"aceitar tudo", "configurações de cookies", "gerenciar preferências", "antes de continuar para o google", "cookies opcionais",
			"cookies essenciais", "valorizamos sua privacidade",
			// French
			"autoriser l'utilisation des cookies", "accepter tous les cookies", "autoriser tous les cookies",
			"refuser les cookies optionnels", "refuser tous les cookies", "accepter les cookies", "tout accepter",
			"tout refuser", "paramètres des cookies", "gérer les préférences", "continuer sans accepter",
			"avant d'accéder à google", "cookies optionnels", "cookies essentiels", "nous respectons votre vie privée",
			// German
			"verwendung von cookies", "alle cookies erlauben", "alle cookies akzeptieren",
			"optionale cookies ablehnen", "alle cookies ablehnen", "cookies akzeptieren", "alle akzeptieren",
			"alle ablehnen", "cookie einstellungen", "einstellungen verwalten", "nur erforderliche cookies",
			"optionale cookies", "bevor sie zu google weitergehen",
		},
		wallLogin: {
			"log in to continue", "log into", "sign in to continue", "forgot password", "forgotten password",
			"forgot your password", "create new account", "create an account", "don't have an account",
			"log in to see", "sign up to see", "not now",
			"inicia sesión para continuar", "iniciar sesión", "olvidaste tu contraseña", "crear cuenta nueva",
			"no tienes una cuenta", "regístrate para",
			"entre para continuar", "esqueceu a senha", "criar nova conta", "não tem uma conta", "cadastre se para",
			"connectez vous pour continuer", "se connecter", "mot de passe oublié", "créer un compte",
			"créer un nouveau compte", "vous n'avez pas de compte", "inscrivez vous pour",
			"melde dich an", "anmelden um fortzufahren", "passwort vergessen", "neues konto erstellen",
			"du hast noch kein konto", "registriere dich",
		},
		wallAge: {
			"verify your age", "confirm your age", "you must be 18", "are you 18", "are you over 18",
			"enter your date of birth", "age verification",
			"verifica tu edad", "confirma tu edad", "eres mayor de 18", "introduce tu fecha de nacimiento",
			"verificación de edad",
			"confirme sua idade", "verifique sua idade", "você tem mais de 18", "informe sua data de nascimento",
			"verificação de idade",
			"confirmez votre âge", "vérifiez votre âge", "avez vous plus de 18 ans", "saisissez votre date de naissance",
			"vérification de l'âge",
			"bestätigen sie ihr alter", "bestätige dein alter", "sind sie über 18", "bist du über 18",
			"altersverifikation", "altersüberprüfung",
		},
		wallBot: {
			"verify you are human", "verify you are a human", "verify that you are human", "checking your browser",
			"checking if the site connection is secure", "just a moment", "enable javascript and cookies to continue",
			"please enable cookies", "press hold", "press and hold", "unusual traffic", "i'm not a robot",
			"are you a robot", "complete the security check", "attention required", "captcha",
			"verifica que eres humano", "no soy un robot", "comprobando tu navegador", "comprobación de seguridad",
			"tráfico inusual",
			"verifique se você é humano", "não sou um robô", "verificando seu navegador", "verificação de segurança",
			"tráfego incomum",
			"vérifiez que vous êtes humain", "je ne suis pas un robot", "vérification de votre navigateur",
			"vérification de sécurité", "trafic inhabituel",
			"bestätigen sie dass sie ein mensch sind", "ich bin kein roboter", "überprüfung ihres browsers",
			"sicherheitsüberprüfung", "ungewöhnlichen datenverkehr",
		},
		wallApp: {
			"open in app", "open the app", "get the app", "continue in app", "use the app", "download the app",
			"continue in browser", "see more in the app",
			"abrir en la app", "abrir la aplicación", "descarga la app", "obtener la app", "continuar en el navegador",
			"abrir no app", "abrir o aplicativo", "baixe o app", "obter o app", "continuar no navegador",
			"ouvrir dans l'application", "ouvrir l'application", "télécharger l'application",
			"obtenir l'application", "continuer dans le navigateur",
			"in der app öffnen", "app öffnen", "app herunterladen", "hol dir die app", "im browser fortfahren",
		},
	}
	var out []wallPhrase
	for _, kind := range []wallKind{wallCookies, wallLogin, wallAge, wallBot, wallApp} {
		for _, p := range raw[kind] {
			out = append(out, wallPhrase{kind, wallForm(p)})
		}
	}
	return out
})

// wallForm is s as wall phrases are matched: lower case, every run of
// characters other than letters and digits one space, and a space at each
// end, so that a phrase matches whole words whatever the punctuation
// ("Press & Hold", "¿Olvidaste tu contraseña?").
func wallForm(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// wallMaxText is the length in bytes above which a text is never a wall:
// consent dialogs, login forms and bot checks say a few hundred words, a
// policy says thousands. The shortest policies fall under it, so the wall
// gate also asks that the wall phrases dominate.
const wallMaxText = 12000

// checkWall refuses a page that stands in front of the policy: a cookie
// consent or privacy-choice interstitial, a login or age wall, a captcha or
// bot check, an "open in the app" page. A real policy talks about cookies,
// consent, accounts and ages at length, so a phrase somewhere proves
// nothing; the text must be short and the phrases must dominate it. It is
// a wall when it is under wallMaxText and holds a wall phrase, and
//   - it has at most three clauses ("Just a moment…"), or
//   - its title or its first clause (when short) holds one, with a second
//     phrase elsewhere or at most twenty clauses in all, or
//   - it holds two distinct phrases, and at least two clauses and a
//     quarter of all its clauses are short ones holding a phrase.
//
// The gate needs no stored version, so it holds on a document's first
// fetch too.
func checkWall(title, text string) *suspectError {
	if len(text) > wallMaxText {
		return nil
	}
	clauses := splitClauses(text)
	if len(clauses) == 0 {
		return nil
	}
	leadForm := wallForm(title)
	if words(clauses[0]) <= wallLeadWords {
		leadForm += wallForm(clauses[0])
	}
	forms := make([]string, len(clauses))
	for i, c := range clauses {
		forms[i] = wallForm(c)
	}
	var (
		found      []string
		kinds      = map[wallKind]int{}
		inClause   = make([]bool, len(clauses))
		leadHit    bool
		wallClause int
	)
	for _, p := range wallLexicon() {
		hit := strings.Contains(leadForm, p.phrase)
		for i, f := range forms {
			if strings.Contains(f, p.phrase) {
				hit = true
				inClause[i] = inClause[i] || words(clauses[i]) <= wallClauseWords
			}
		}
		if hit {
			found = append(found, strings.TrimSpace(p.phrase))
			kinds[p.kind]++
			leadHit = leadHit || strings.Contains(leadForm, p.phrase)
		}
	}
	if len(found) == 0 {
		return nil
	}
	for _, in := range inClause {
		if in {
			wallClause++
		}
	}
	n := len(clauses)
	if !(n <= 3 || (leadHit && (len(found) >= 2 || n <= 20)) || (len(found) >= 2 && wallClause >= 2 && wallClause*4 >= n)) {
		return nil
	}
	kind, most := wallCookies, 0
	for _, k := range []wallKind{wallCookies, wallLogin, wallAge, wallBot, wallApp} {
		if kinds[k] > most {
			kind, most = k, kinds[k]
		}
	}
	if len(found) > 4 {
		found = found[:4]
	}
	return suspect(reasonWall, "text reads as a %s, not the policy: %d of %d clauses say %q", kind, wallClause, n, found)
}

// wallClauseWords and wallLeadWords are the most words a clause holding a
// wall phrase may have to count as a wall's: walls say their phrases in
// buttons, headings and questions of a few words, while a policy says
// "if you forgot your password, we send a link to your address" in a
// sentence. The first clause, a wall's heading, may be a little longer.
const (
	wallClauseWords = 10
	wallLeadWords   = 15
)

func words(s string) int { return len(strings.Fields(s)) }

// splitClauses cuts a text into its lines and the sentences of each line,
// the units checkWall weighs.
func splitClauses(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		start := 0
		for i := 0; i < len(line); i++ {
			if c := line[i]; (c == '.' || c == '!' || c == '?') && (i+1 == len(line) || line[i+1] == ' ') {
				out = appendClause(out, line[start:i+1])
				start = i + 1
			}
		}
		out = appendClause(out, line[start:])
	}
	return out
}

func appendClause(out []string, s string) []string {
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return out
	}
	return append(out, strings.TrimSpace(s))
}

// checkText runs the gates on what extraction read from a page or a file
// (title is empty for a file): garbage first, then walls.
func checkText(title, text string) *suspectError {
	if serr := checkGarbage(text); serr != nil {
		return serr
	}
	return checkWall(title, text)
}
