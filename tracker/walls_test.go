package tracker

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

// consentWall is the cookie-consent interstitial Instagram serves in place
// of its policy to a browser without cookies, as an archive stored it.
const consentWall = `<!DOCTYPE html><html lang="en"><head><title>Privacy Checks • Instagram</title></head><body><div id="root">
<h1>Allow the use of cookies from Instagram by Meta on this browser?</h1>
<p>We use cookies and similar technologies to help provide and improve content on Meta Products. We also use them to provide a safer experience by using information we receive from cookies on and off Instagram, and to provide and improve Meta Products for people who have an account.</p>
<p>Essential cookies: These cookies are required to use Meta Products and are necessary for our sites to work as intended.</p>
<p>Cookies from other companies: We use these cookies to show you ads off of Meta Products and to provide features like maps and videos on Meta Products. These cookies are optional.</p>
<p>You have control over the optional cookies we use. Learn more about cookies and how we use them, and review or change your choices at any time in our Cookies Policy.</p>
<h2>About cookies</h2>
<h3>What are cookies?</h3>
<p>Cookies are small pieces of text used to store information on web browsers. Cookies are used to store and receive identifiers and other information on computers, phones and other devices.</p>
<h3>Why do we use cookies?</h3>
<p>Cookies help us provide, protect and improve the Meta Products, such as by personalising content, tailoring and measuring ads, and providing a safer experience.</p>
<div role="button">Allow all cookies</div><div role="button">Decline optional cookies</div>
</div></body></html>`

// TestCheckWall reads the texts of walls in five languages and of short
// real policies that talk about cookies, accounts and ages, and checks
// that only the walls are refused.
func TestCheckWall(t *testing.T) {
	tests := []struct {
		name, title, text string
		wall              bool
	}{
		{"instagram consent, archived as text", "", "Privacy Checks • Instagram\nAllow the use of cookies from Instagram on this browser?\nWe use cookies and similar technologies to help provide and improve content on Meta Products.\nAllow all cookies\nDecline optional cookies", true},
		{"facebook consent", "Facebook", "Allow the use of cookies from Facebook on this browser?\nWe use cookies and similar technologies to help provide and improve content on Meta Products. We also use them to provide a safer experience.\nEssential cookies\nThese cookies are required to use Meta Products and are necessary for our sites to work as intended.\nOptional cookies\nCookies from other companies\nWe use these cookies to show you ads off of Meta Products.\nOther ways you can control your information\nManage your ad experience in Accounts Center\nMore information about online advertising\nControlling cookies with browser settings", true},
		{"generic consent banner", "Example", "We value your privacy\nWe and our partners use cookies to store and access information on your device. By clicking Accept all you consent to our use of cookies.\nAccept all\nReject all\nManage preferences", true},
		{"spanish consent", "", "¿Permitir el uso de cookies de Instagram en este navegador?\nUsamos cookies y tecnologías similares para ayudar a proporcionar y mejorar el contenido de los Productos de Meta.\nPermitir todas las cookies\nRechazar cookies opcionales", true},
		{"portuguese consent", "", "Permitir o uso de cookies do Instagram neste navegador?\nUsamos cookies e tecnologias semelhantes para ajudar a fornecer e melhorar o conteúdo dos Produtos da Meta.\nPermitir todos os cookies\nRecusar cookies opcionais", true},
		{"french consent", "", "Autoriser l’utilisation des cookies d’Instagram sur ce navigateur ?\nNous utilisons des cookies et des technologies similaires pour fournir et améliorer le contenu des Produits Meta.\nAutoriser tous les cookies\nRefuser les cookies optionnels", true},
		{"german consent", "", "Erlaubst du die Verwendung von Cookies durch Instagram in diesem Browser?\nWir verwenden Cookies und ähnliche Technologien, um Inhalte in Meta-Produkten bereitzustellen und zu verbessern.\nAlle Cookies erlauben\nOptionale Cookies ablehnen", true},
		{"google consent", "Before you continue to Google", "Before you continue to Google\nWe use cookies and data to deliver and maintain Google services, track outages and protect against spam, fraud and abuse.\nReject all\nAccept all\nMore options", true},
		{"login wall", "Instagram", "Log in to see photos and videos from friends.\nPhone number, username, or email\nPassword\nLog in\nForgot password?\nDon't have an account? Sign up", true},
		{"spanish login wall", "", "Inicia sesión para continuar\nCorreo electrónico o teléfono\nContraseña\n¿Olvidaste tu contraseña?\nCrear cuenta nueva", true},
		{"portuguese login wall", "", "Entre para continuar\nEmail ou telefone\nSenha\nEsqueceu a senha?\nCriar nova conta", true},
		{"french login wall", "", "Connectez-vous pour continuer\nAdresse e-mail ou numéro de mobile\nMot de passe\nMot de passe oublié ?\nCréer un nouveau compte", true},
		{"german login wall", "", "Melde dich an, um fortzufahren\nE-Mail-Adresse oder Telefonnummer\nPasswort\nPasswort vergessen?\nNeues Konto erstellen", true},
		{"age wall", "", "Please verify your age\nYou must be 18 or older to view this content.\nEnter your date of birth\nContinue", true},
		{"spanish age wall", "", "Confirma tu edad\n¿Eres mayor de 18 años?\nSí\nNo", true},
		{"bot check", "Just a moment...", "Checking if the site connection is secure\nwww.example.com needs to review the security of your connection before proceeding.\nEnable JavaScript and cookies to continue", true},
		{"press and hold", "Access to this page has been denied", "Please verify you are a human\nPress & Hold to confirm you are a human (and not a bot).\nReference ID 6a5e2", true},
		{"french bot check", "", "Vérification de sécurité\nNous avons détecté un trafic inhabituel depuis votre réseau.\nJe ne suis pas un robot", true},
		{"open in the app", "", "See this post in the app\nOpen in app\nContinue in browser", true},
		{"german open in the app", "", "In der App öffnen\nHol dir die App, um mehr zu sehen.\nIm Browser fortfahren", true},

		{"short cookie policy", "Privacy Policy", "Privacy Statement\nWe allow third-party companies to serve ads and/or collect certain anonymous information when you visit our web site. These companies typically use a cookie or third party web beacon to collect this information. Most browsers accept cookies automatically; you can change your cookie settings in your browser.", false},
		{"short account policy", "", "Privacy Policy\nWhen you create an account we ask for your name and e-mail address. If you forgot your password, we send a link to that address. You must be 18 or older to register.\nWe do not sell your information.", false},
		{"short spanish policy that opens with a generic phrase", "", "Antes de continuar, lee esta política.\nCompartimos tu información con las demás empresas de Meta. Puedes aceptar o rechazar las cookies opcionales en la configuración de cookies de tu navegador.\nNo vendemos tus datos.", false},
		{"policy with a cookie section", "", "Privacy Policy\n" + strings.Repeat("We collect the information you provide when you use our Services, and we share it with the service providers that help us run them.\n", 20) + "Cookies\nYou can accept all cookies, reject all cookies or choose optional cookies in the cookie settings of our site; essential cookies are always on.\n" + strings.Repeat("We keep your information for as long as we need it to provide the Services.\n", 20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serr := checkWall(tt.title, tt.text)
			if (serr != nil) != tt.wall {
				t.Fatalf("checkWall = %v, want wall %v", serr, tt.wall)
			}
			if serr != nil && (serr.class != reasonWall || !strings.Contains(serr.reason, "not the policy")) {
				t.Errorf("verdict %v lacks its class or reason", serr)
			}
		})
	}
}

// TestCheckGarbage feeds bodies and texts that are not text, and some that
// are text with a flaw a policy may carry, to the body and text gates.
func TestCheckGarbage(t *testing.T) {
	text := strings.Repeat("We collect the information you provide and share it with our service providers. ", 40)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<html><body>" + text + "</body></html>"))
	zw.Close()
	tests := []struct {
		name  string
		body  string
		text  string
		class string
	}{
		{"text", text, text, ""},
		{"gzip", gz.String(), "", reasonGarbage},
		{"gzip after a newline", "\n" + gz.String(), "", reasonGarbage},
		{"zip", "PK\x03\x04" + text, "", reasonGarbage},
		{"pdf served as html", "%PDF-1.7\n" + text, "", reasonGarbage},
		{"png", "\x89PNG\r\n\x1a\n" + text, "", reasonGarbage},
		{"jpeg", "\xff\xd8\xff\xe0" + text, "", reasonGarbage},
		{"NULs", strings.ReplaceAll(text, " ", "\x00"), "", reasonGarbage},
		{"one control byte in a long page", text[:100] + "\x01" + text[100:], text, ""},
		{"replacement characters", text, strings.ReplaceAll(text, "e", "\uFFFD"), reasonGarbage},
		{"two stray replacement characters", text, "\uFFFD" + text + "\uFFFD", ""},
		{"base64", text, strings.Repeat("aGVsbG8gd29ybGQgdGhpcyBpcyBub3QgYSBwb2xpY3kgYXQgYWxs+/ZmFrZQ== ", 40), reasonGarbage},
		{"symbols", text, strings.Repeat("#$%^ &*() {}[] <>?? ~~~ ", 40), reasonGarbage},
		{"urls and numbers in a policy", text, text + strings.Repeat("https://www.facebook.com/privacy/policy 1-800-555-0100 ", 5), ""},
		{"japanese", text, strings.Repeat("当社は、お客様が提供する情報を収集し、サービスプロバイダーと共有します。 ", 40), ""},
		{"spanish", text, strings.Repeat("Compartimos tu información con las demás empresas de Meta y con proveedores de servicios. ", 40), ""},
		{"C1 control characters", text, strings.Repeat("We share\u0085 data\u0086 with\u0087 partners. ", 40), reasonGarbage},
		{"words of over 40 Latin letters", text, strings.Repeat("Wecollecttheinformationyouprovideandshareit withourserviceprovidersandpartnersineverycountry ", 40), reasonGarbage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dec, _ := scraper.DecodeHTML([]byte(tt.body), "text/html")
			serr := checkBody([]byte(tt.body), dec)
			if serr == nil {
				serr = checkGarbage(tt.text)
			}
			class := ""
			if serr != nil {
				class = serr.class
			}
			if class != tt.class {
				t.Errorf("verdict %v, want class %q", serr, tt.class)
			}
		})
	}
}

// replayServer serves whatever body and Content-Type the test sets last,
// on loopback.
type replayServer struct {
	mu       sync.Mutex
	body, ct string
	*httptest.Server
}

func newReplayServer(t *testing.T) *replayServer {
	s := &replayServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		body, ct := s.body, s.ct
		s.mu.Unlock()
		w.Header().Set("Content-Type", ct)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *replayServer) serve(ct, body string) {
	s.mu.Lock()
	s.body, s.ct = body, ct
	s.mu.Unlock()
}

// accentedPage is a real policy page with many accented letters: the
// French WhatsApp policy from the corpus when it is there, else a page of
// French sentences, each its own clause.
func accentedPage(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html lang=\"fr\"><head><title>Politique de confidentialité</title></head><body><main>\n")
	md, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "whatsapp-privacy-policy-eea-fr", "2022-10-13.md"))
	if err == nil {
		for _, para := range strings.Split(string(md), "\n\n") {
			if para = strings.TrimSpace(strings.Trim(para, "#*- ")); para != "" && !strings.ContainsAny(para, "[]<>") {
				fmt.Fprintf(&b, "<p>%s</p>\n", para)
			}
		}
	} else {
		for i := range 60 {
			fmt.Fprintf(&b, "<p>Article %d : nous partageons vos données avec les sociétés de Meta, à des fins de sécurité et d’amélioration de nos Services.</p>\n", i)
		}
	}
	b.WriteString("</main></body></html>")
	return b.String()
}

// TestCaptureFaults serves, on loopback, the faults a live fetch meets in
// sequence after (or before) the real page, and checks what each becomes:
// walls and garbage are suspect and store no version, a body in the wrong
// charset is read right or refused, never recorded as mojibake.
func TestCaptureFaults(t *testing.T) {
	policy := policyPage(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(policy))
	zw.Close()
	fr := accentedPage(t)
	cp1252, err := charmap.Windows1252.NewEncoder().String(fr)
	if err != nil {
		t.Fatal(err)
	}
	// The stray byte sits in a comment near the top, where the charset
	// sniffer reads, and in the text of the first paragraph.
	stray := strings.Replace(fr, "<head>", "<head><!-- \xa0 -->", 1)
	strayText := strings.Replace(fr, "<p>", "<p>\xff", 1)

	type step struct {
		ct, body string
		outcome  data.Outcome
		class    string
	}
	const html, utf8 = "text/html", "text/html; charset=utf-8"
	tests := []struct {
		name     string
		sel      string
		steps    []step
		versions int
	}{
		{"consent wall as first fetch", "body", []step{
			{utf8, consentWall, data.Suspect, reasonWall},
			{utf8, policy, data.NewVersion, ""},
			{utf8, consentWall, data.Suspect, reasonWall},
		}, 1},
		{"gzip bytes as text/html, select body", "body", []step{
			{html, gz.String(), data.Suspect, reasonGarbage},
			{html, policy, data.NewVersion, ""},
			{html, gz.String(), data.Suspect, reasonGarbage},
			{html, policy, data.Unchanged, ""},
		}, 1},
		{"windows-1252 labelled utf-8 after the real page", "main", []step{
			{utf8, fr, data.NewVersion, ""},
			{utf8, cp1252, data.Unchanged, ""},
		}, 1},
		{"windows-1252 labelled utf-8 as first fetch", "main", []step{
			{utf8, cp1252, data.NewVersion, ""},
			{utf8, fr, data.Unchanged, ""},
		}, 1},
		{"one stray byte in an unlabelled page", "main", []step{
			{html, fr, data.NewVersion, ""},
			{html, stray, data.Unchanged, ""},
		}, 1},
		{"one stray byte in the text of an unlabelled page", "main", []step{
			{html, fr, data.NewVersion, ""},
			{html, strayText, data.NewVersion, ""},
			{html, fr, data.NewVersion, ""},
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newReplayServer(t)
			tr, db, _ := newTracker(t, srv.Client())
			doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{tt.sel}}
			syncDoc(t, db, doc)
			ctx := context.Background()
			for i, st := range tt.steps {
				srv.serve(st.ct, st.body)
				res, err := tr.Check(ctx, doc)
				if err != nil {
					t.Fatal(err)
				}
				f := res.Fetch
				if f.Outcome != st.outcome || f.ErrorClass != st.class {
					t.Errorf("fetch %d: outcome %s (%s: %s), want %s (%s)", i, f.Outcome, f.ErrorClass, f.Reason, st.outcome, st.class)
				}
			}
			checkNoMojibake(t, db, doc.ID, tt.versions)
		})
	}
}

// checkNoMojibake checks that doc has want versions, none of them holding
// mojibake, and that no change between them touches more than one clause.
func checkNoMojibake(t *testing.T, db *data.DB, id string, want int) {
	t.Helper()
	ctx := context.Background()
	versions, err := db.Versions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != want {
		t.Errorf("%d versions, want %d", len(versions), want)
	}
	for _, v := range versions {
		full, err := db.Version(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(full.Text, "Ã") || strings.Count(full.Text, "\uFFFD") > 1 {
			t.Errorf("version %d holds mojibake", v.ID)
		}
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if n := c.Summary.Total(); n > 1 {
			t.Errorf("change %d touches %d clauses, want at most one", c.ID, n)
		}
	}
}

// TestImportFaults imports Markdown histories with a consent wall as the
// first file and with one stray byte in a UTF-8 file, and checks that the
// wall makes no version and the stray byte no mojibake.
func TestImportFaults(t *testing.T) {
	es := func(edit string) string {
		var b strings.Builder
		b.WriteString("# Política de privacidad\n\n")
		for i := range 40 {
			fmt.Fprintf(&b, "Sección %d: compartimos tu información con las demás empresas de Meta y con nuestros socios para mejorar los Servicios.", i)
			if i == 5 {
				b.WriteString(edit)
			}
			b.WriteString("\n\n")
		}
		return b.String()
	}
	wall := "Privacy Checks • Instagram\n\n# Allow the use of cookies from Instagram on this browser?\n\nWe use cookies and similar technologies to help provide and improve content on Meta Products.\n\nAllow all cookies\n\nDecline optional cookies\n"
	tests := []struct {
		name     string
		files    []string
		outcomes []data.Outcome
		versions int
	}{
		{"consent wall as first file", []string{wall, es("")}, []data.Outcome{data.Suspect, data.NewVersion}, 1},
		{"one stray byte at the top", []string{es(""), "\xe9" + es("")}, []data.Outcome{data.NewVersion, data.NewVersion}, 2},
		{"one stray byte in a clause", []string{es(""), es(" Una \x92 errata.")}, []data.Outcome{data.NewVersion, data.NewVersion}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".md", tt.files)
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy"}
			syncDoc(t, db, doc)
			var got []data.Outcome
			err := tr.Import(context.Background(), doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) {
				got = append(got, r.Fetch.Outcome)
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.outcomes) {
				t.Errorf("outcomes %v, want %v", got, tt.outcomes)
			}
			checkNoMojibake(t, db, doc.ID, tt.versions)
		})
	}
}
