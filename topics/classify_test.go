package topics

import (
	"slices"
	"strings"
	"testing"
)

type classifyCase struct {
	name    string
	text    string
	sharing bool   // want data-sharing
	negated bool   // want it negated
	quote   string // a phrase the data-sharing evidence must hold
	topic   string // another topic the clause must have
}

func runClassify(t *testing.T, lang string, tests []classifyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := Classify(tt.text, lang)
			m, got := Has(ms, DataSharing)
			if got != tt.sharing {
				t.Fatalf("data-sharing = %v, want %v (topics %v, evidence %v)", got, tt.sharing, Topics(ms), m.Evidence)
			}
			if got && m.Negated != tt.negated {
				t.Errorf("negated = %v, want %v (evidence %v)", m.Negated, tt.negated, m.Evidence)
			}
			if tt.quote != "" && !slices.ContainsFunc(m.Evidence, func(e Evidence) bool { return strings.Contains(e.Text, tt.quote) }) {
				t.Errorf("no evidence quotes %q: %v", tt.quote, m.Evidence)
			}
			if tt.topic != "" {
				if _, ok := Has(ms, tt.topic); !ok {
					t.Errorf("topics %v, want %s among them", Topics(ms), tt.topic)
				}
			}
			for _, m := range ms {
				if len(m.Evidence) == 0 {
					t.Errorf("topic %s has no evidence", m.Topic)
				}
				for _, e := range m.Evidence {
					if tt.text[e.Start:e.End] != e.Text {
						t.Errorf("evidence %+v does not quote the text", e)
					}
				}
			}
		})
	}
}

// TestClassifySpanish uses clauses written the way WhatsApp's Spanish
// policy speaks (the default configuration tracks the ?lang=es page).
func TestClassifySpanish(t *testing.T) {
	runClassify(t, "es", []classifyCase{
		{name: "empresas de Meta", text: "Compartimos información con las demás empresas de Meta.", sharing: true, quote: "Compartimos información con las demás empresas de Meta"},
		{name: "no vendemos", text: "No vendemos tu información personal.", sharing: true, negated: true, quote: "No vendemos"},
		{name: "nunca compartimos", text: "Nunca compartimos tu número de teléfono con anunciantes.", sharing: true, negated: true, quote: "anunciantes"},
		{name: "proveedores de servicios", text: "Trabajamos con proveedores de servicios externos y otras empresas de Meta, que nos ayudan a operar y mejorar nuestros Servicios; cuando compartimos información con ellos, les exigimos que la usen en nuestro nombre.", sharing: true, quote: "proveedores de servicios"},
		{name: "socios a nivel mundial", text: "WhatsApp comparte información a nivel mundial, tanto internamente con las empresas de Meta como externamente con nuestros socios.", sharing: true, topic: InternationalTransfers},
		{name: "fuerzas del orden", text: "Accedemos a tu información, la conservamos y la compartimos con autoridades reguladoras, fuerzas del orden y otros organismos públicos si creemos de buena fe que es necesario.", sharing: true, quote: "autoridades"},
		{name: "servicios de terceros reciben", text: "Los servicios de terceros integrados en nuestros Servicios pueden recibir información sobre lo que compartes con ellos.", sharing: true, quote: "recibir"},
		{name: "fusión", text: "Si participamos en una fusión, adquisición o venta de activos, tu información podrá transferirse al nuevo propietario.", sharing: true, quote: "fusión"},
		{name: "cedemos salvo", text: "No cedemos tus datos a terceros, salvo obligación legal.", sharing: true, negated: false},
		{name: "retención no es compartir", text: "Conservamos tu información durante el tiempo necesario para prestarte los Servicios, y la eliminamos cuando ya no sea necesaria.", sharing: false, topic: Retention},
		{name: "derecho de acceso no es compartir", text: "Tienes derecho a acceder a tu información, rectificarla, transferirla y eliminarla, así como a oponerte a su tratamiento.", sharing: false, topic: UserRights},
		{name: "descargar tu información", text: "Puedes acceder a tu información y descargarla con nuestra función Solicitar información de la cuenta.", sharing: false, topic: UserRights},
		{name: "recopilación propia", text: "Recopilamos información sobre tu actividad en nuestros Servicios, como la configuración y la hora de uso.", sharing: false, topic: DataCollection},
		{name: "cifrado", text: "Tus mensajes están protegidos con cifrado de extremo a extremo.", sharing: false, topic: Security},
		{name: "el usuario comparte", text: "Si compartes una ubicación o un mensaje con tus contactos, estos podrán verlo.", sharing: false},
		{name: "pregunta de índice", text: "¿Compartimos tu información con terceros?", sharing: false},
		{name: "menores", text: "Debes tener al menos 16 años para usar nuestros Servicios; no recopilamos a sabiendas datos de menores.", sharing: false, topic: Children},
		{name: "base legal", text: "Tratamos tus datos sobre la base del interés legítimo y de la necesidad contractual.", sharing: false, topic: LegalBasis},
	})
}

// TestClassifySpanishFamilies covers the rule families that topics/3
// brought to Spanish (anaphora, engaging a recipient, unnamed recipients,
// compelled disclosure, data made public, new recipients, and the vetoes),
// in the register of WhatsApp's and Meta's Spanish policies. Each veto
// case is a sentence a looser rule would tag.
func TestClassifySpanishFamilies(t *testing.T) {
	runClassify(t, "es", []classifyCase{
		// Who gets the data, said the Spanish way.
		{name: "cedemos a terceros", text: "Cedemos tus datos de contacto a terceros con fines comerciales.", sharing: true, quote: "Cedemos tus datos de contacto a terceros"},
		{name: "comunicar datos a terceros", text: "Podemos comunicar tus datos personales a terceros cuando sea necesario para prestar el servicio.", sharing: true, quote: "comunicar tus datos personales a terceros"},
		{name: "encargados del tratamiento", text: "Tus datos podrán ser tratados por encargados del tratamiento que nos prestan servicios de alojamiento.", sharing: true, quote: "encargados del tratamiento"},
		{name: "proveedores en nuestro nombre", text: "Los proveedores que actúan en nuestro nombre pueden acceder a tu información para ayudarnos a operar los Servicios.", sharing: true, quote: "acceder"},
		{name: "proporcionamos a socios", text: "Proporcionamos a nuestros socios de medición estadísticas agregadas sobre el rendimiento de los anuncios.", sharing: true, quote: "socios"},
		{name: "entidades financieras", text: "Podemos informar a las entidades financieras y a los ficheros de solvencia de los impagos.", sharing: true, quote: "entidades financieras"},
		{name: "aseguradoras", text: "Facilitamos los datos del siniestro a las aseguradoras que cubren el envío.", sharing: true, quote: "aseguradoras"},
		// Hiring a recipient.
		{name: "utilizamos proveedores", text: "Utilizamos proveedores de servicios externos para procesar los pagos.", sharing: true, quote: "Utilizamos proveedores de servicios"},
		{name: "recurrimos a terceros", text: "Recurrimos a terceros para verificar tu número de teléfono.", sharing: true, quote: "Recurrimos a terceros"},
		{name: "contamos con encargados", text: "Contamos con encargados del tratamiento ubicados en la Unión Europea.", sharing: true, quote: "Contamos con encargados"},
		// Anaphora: "estas empresas", "dichos terceros", "les" after a named recipient.
		{name: "estas empresas", text: "Trabajamos con empresas de análisis. Estas empresas pueden recopilar información sobre tu dispositivo.", sharing: true, quote: "recopilar"},
		{name: "dichos terceros", text: "Algunas funciones las prestan terceros. Dichos terceros reciben tu dirección IP.", sharing: true, quote: "reciben"},
		{name: "les proporcionamos", text: "Trabajamos con socios de pago. Les proporcionamos la información necesaria para completar la transacción.", sharing: true},
		// Recipients no lexicon names.
		{name: "con el comercio", text: "Compartimos los datos de tu pedido con el comercio que elegiste.", sharing: true, quote: "con el"},
		{name: "al transportista", text: "Revelamos tu dirección de entrega al transportista que lleva el paquete.", sharing: true, quote: "al"},
		// Compelled disclosure.
		{name: "cuando lo exija la ley", text: "Compartiremos la información de tu cuenta cuando lo exija la ley.", sharing: true, quote: "lo exija la ley"},
		{name: "requerimiento judicial", text: "Podremos revelar información en respuesta a un requerimiento judicial válido.", sharing: true, quote: "requerimiento judicial"},
		{name: "buena fe", text: "Conservamos tu información y la compartimos si creemos de buena fe que es necesario para detectar y prevenir fraudes.", sharing: true, quote: "buena fe"},
		{name: "fuerzas del orden", text: "Podemos facilitar tus datos a las fuerzas del orden en el marco de una investigación.", sharing: true, quote: "fuerzas del orden"},
		// Data made public.
		{name: "información pública", text: "Tu nombre de perfil y tu foto del perfil son información pública.", sharing: true, quote: "son información pública"},
		{name: "públicamente", text: "Las reseñas que publiques se mostrarán públicamente en la página del producto.", sharing: true, quote: "públicamente"},
		// Negation and its exceptions.
		{name: "no compartimos salvo", text: "No compartimos tu información con terceros, salvo en los casos descritos en esta Política.", sharing: true, negated: false},
		{name: "no cedemos", text: "No cedemos tus datos personales a terceros.", sharing: true, negated: true, quote: "No cedemos"},
		{name: "nunca revelaremos", text: "Nunca revelaremos tus mensajes a anunciantes.", sharing: true, negated: true, quote: "Nunca revelaremos"},
		{name: "jamás vendemos", text: "Jamás vendemos ni alquilamos tus datos.", sharing: true, negated: true},
		{name: "una negación y una práctica", text: "No vendemos tus datos. Los compartimos con las empresas de Meta para medir los anuncios.", sharing: true, negated: false},
		// Vetoes: not the service's sharing practice.
		{name: "como parte de", text: "Como parte de nuestros Servicios, usamos y compartimos tu información.", sharing: true, quote: "compartimos tu información"},
		{name: "lista anunciada", text: "Esta sección explica cómo recopilamos, usamos y compartimos tu información.", sharing: false},
		{name: "socios con nosotros", text: "Nuestros socios comparten información con nosotros sobre las compras que haces en su sitio.", sharing: false},
		{name: "socios nos envían", text: "Las empresas de Meta nos envían informes sobre las cuentas que infringen nuestras Condiciones a terceros.", sharing: false},
		{name: "nos proporcionas", text: "Cuando nos proporcionas tu número de teléfono, lo usamos para crear tu cuenta.", sharing: false},
		{name: "te enviamos ofertas", text: "Te enviamos ofertas de nuestros socios si das tu consentimiento.", sharing: false},
		{name: "proporcionarte los Servicios", text: "Usamos tu información para proporcionarte los Servicios y las funciones de terceros que activas.", sharing: false},
		{name: "si decides compartir", text: "Si decides compartir tu ubicación con terceros, se aplicarán sus condiciones.", sharing: false},
		{name: "compartes con contactos", text: "Cuando compartes una foto con tus contactos o con un grupo, ellos pueden reenviarla.", sharing: false},
		{name: "no compartas el código", text: "No compartas tu código de registro con otras personas.", sharing: false},
		{name: "oponerte", text: "Puedes oponerte a que compartamos tu información con socios publicitarios.", sharing: false, topic: UserRights},
		{name: "si no deseas", text: "Si no deseas que compartamos tus datos con anunciantes, desactiva esta opción en la configuración.", sharing: false, topic: UserRights},
		{name: "transferencia a otro país", text: "Podemos transferir tu información a Estados Unidos, donde se encuentran nuestros centros de datos.", sharing: false, topic: InternationalTransfers},
		{name: "sitios web de terceros", text: "Los Servicios incluyen enlaces a sitios web de terceros que recopilan datos de navegación.", sharing: false},
		{name: "compartes con terceros", text: "Cuando compartes información con terceros, como un servicio de copia de seguridad, se aplican sus condiciones.", sharing: false},
		{name: "utilizamos datos de terceros", text: "Utilizamos información de terceros para mejorar la seguridad.", sharing: false},
		{name: "acceso no autorizado", text: "Protegemos tu información frente a la divulgación no autorizada a terceros.", sharing: false, topic: Security},
		{name: "niños no deben revelar", text: "Los menores no deben revelar su dirección en los grupos.", sharing: false, topic: Children},
		{name: "seguridad de la cuenta", text: "Usamos la verificación en dos pasos para proteger tu cuenta frente a accesos indebidos.", sharing: false, topic: Security},
		{name: "plazo de conservación", text: "Conservamos los registros de llamadas durante un plazo de 90 días.", sharing: false, topic: Retention},
		{name: "derecho de acceso", text: "Puedes solicitar el acceso a tus datos, su rectificación o supresión y la portabilidad.", sharing: false, topic: UserRights},
		{name: "comunicarte con contactos", text: "Usamos tu agenda para ayudarte a comunicarte con tus contactos.", sharing: false},
		{name: "compartir con la finalidad", text: "Tu información de uso nos permite compartir mejoras con la finalidad de que el servicio funcione mejor.", sharing: false},
	})
}

func TestClassifyEnglish(t *testing.T) {
	runClassify(t, "en", []classifyCase{
		{name: "Facebook Companies", text: "WhatsApp works and shares information with the other Facebook Companies to receive services like infrastructure.", sharing: true, quote: "shares information with the other Facebook Companies"},
		{name: "never sell", text: "We never sell your personal information.", sharing: true, negated: true, quote: "never sell"},
		{name: "do not share", text: "We do not share your phone number with advertisers.", sharing: true, negated: true, quote: "not share your phone number with advertisers"},
		{name: "not share except", text: "We do not share your personal information with third parties except as described below.", sharing: true, negated: false},
		{name: "one denial one practice", text: "We do not sell your data. We share it with our partners to measure ads.", sharing: true, negated: false},
		{name: "service providers have access", text: "Service providers that help us operate our Services may have access to your information.", sharing: true, quote: "have access"},
		{name: "collected by advertisers", text: "Information about your visits may be collected by advertisers through cookies.", sharing: true, quote: "collected by advertisers"},
		{name: "third-party cookies", text: "Our pages carry third-party cookies for analytics.", sharing: true, quote: "third-party cookies"},
		{name: "merger", text: "If we are involved in a merger or acquisition, we will transfer your information to the acquirer.", sharing: true},
		{name: "provide to marketing companies", text: "We may provide your postal address to marketing companies.", sharing: true, quote: "provide your postal address to marketing companies"},
		{name: "anaphora", text: "We work with advertising networks. They may collect information about your device.", sharing: true},
		{name: "law enforcement", text: "We may disclose your information to law enforcement in response to a court order.", sharing: true, quote: "law enforcement"},
		{name: "engage vendors", text: "We use outside vendors to process card payments.", sharing: true, quote: "use outside vendors"},
		{name: "compelled by law", text: "We will share account records when required by law.", sharing: true, quote: "required by law"},
		{name: "unnamed recipient", text: "We share your booking details with the hotel you picked.", sharing: true, quote: "with the"},
		{name: "displayed publicly", text: "Reviews are displayed publicly on the product page.", sharing: true, quote: "displayed publicly"},
		{name: "reserve the right", text: "Acme reserves the right to share purchase history with its affiliates.", sharing: true, quote: "affiliates"},
		{name: "credit bureaus", text: "We may report late payments to credit bureaus.", sharing: true, quote: "credit bureaus"},
		{name: "retention", text: "We retain your information for as long as your account is active.", sharing: false, topic: Retention},
		{name: "announced list", text: "Below we explain how we collect, use and disclose the data you give us.", sharing: false},
		{name: "announced question", text: "The notice tells you whether we disclose your data to anyone.", sharing: false},
		{name: "shine the light", text: "California's Shine the Light law lets residents ask which third parties received their personal information for direct marketing. A company may instead let customers opt out, and then need not disclose the list of those third parties.", sharing: false},
		{name: "received from partners", text: "Partners may share information about you with us.", sharing: false},
		{name: "sent to you", text: "Each month we send you a newsletter featuring our partners.", sharing: false},
		{name: "password", text: "Never share your login password with other people.", sharing: false},
		{name: "transfer abroad", text: "We may transfer your information to the United States, where our service providers are located.", sharing: false, topic: InternationalTransfers},
		{name: "transfer to a recipient abroad", text: "We may transfer your information to the Meta Companies in other countries.", sharing: true, quote: "Meta Companies", topic: InternationalTransfers},
		{name: "prefer not", text: "Tell us if you would prefer that we not share your email address with partners.", sharing: false},
		{name: "children disclose", text: "Children should not disclose their home address in chat rooms.", sharing: false, topic: Children},
		{name: "supplied by partners", text: "Some pages show recipes supplied by our partners.", sharing: false},
		{name: "links to partners", text: "Each page provides links to partner stores.", sharing: false},
		{name: "look forward", text: "We look forward to new recipes from our partners.", sharing: false},
		{name: "access rights", text: "You have the right to access, correct, port and delete your information.", sharing: false, topic: UserRights},
		{name: "provide advertising", text: "We provide advertising on our websites and on third-party websites.", sharing: false, topic: Advertising},
		{name: "user shares", text: "When you share a link with your friends, they can see it.", sharing: false},
		{name: "question heading", text: "Do we share your information with third parties?", sharing: false},
		{name: "unauthorized disclosure", text: "We protect your information against unauthorized disclosure to third parties.", sharing: false, topic: Security},
		{name: "opt out", text: "You may opt out of the sharing of your information with third parties for marketing.", sharing: false, topic: UserRights},
		{name: "ai", text: "We use your public posts to train our AI models.", sharing: false, topic: AI},
		{name: "policy changes", text: "We may update this Privacy Policy from time to time.", sharing: false, topic: PolicyChanges},
	})
}

// TestClassifyOtherLanguages: the Portuguese, French and German lexicons
// recognise the common sharing statements and their denials.
func TestClassifyOtherLanguages(t *testing.T) {
	t.Run("pt", func(t *testing.T) {
		runClassify(t, "pt", []classifyCase{
			{name: "empresas da Meta", text: "Compartilhamos informações com as outras empresas da Meta.", sharing: true},
			{name: "não vendemos", text: "Não vendemos seus dados pessoais.", sharing: true, negated: true},
			{name: "retenção", text: "Armazenamos suas informações pelo tempo necessário.", sharing: false, topic: Retention},
			{name: "exigido por lei", text: "Podemos divulgar suas informações quando exigido por lei.", sharing: true, quote: "quando exigido"},
			{name: "autoridades policiais", text: "Compartilhamos informações com autoridades policiais em resposta a uma ordem judicial.", sharing: true, quote: "autoridades policiais"},
			{name: "contratamos fornecedores", text: "Contratamos fornecedores para processar pagamentos.", sharing: true, quote: "Contratamos fornecedores"},
			{name: "com a transportadora", text: "Compartilhamos os dados do seu pedido com a transportadora.", sharing: true, quote: "com a"},
			{name: "informações públicas", text: "Seu nome de perfil e sua foto são informações públicas.", sharing: true, quote: "são informações públicas"},
			{name: "essas empresas", text: "Trabalhamos com anunciantes. Essas empresas podem coletar informações sobre seu dispositivo.", sharing: true, quote: "coletar"},
			{name: "exceto", text: "Não compartilhamos suas informações com terceiros, exceto conforme descrito nesta Política.", sharing: true, negated: false},
			{name: "conosco", text: "Nossos parceiros compartilham informações conosco sobre suas compras.", sharing: false},
			{name: "você compartilha", text: "Você pode compartilhar sua localização com terceiros.", sharing: false},
			{name: "lista anunciada", text: "Este aviso explica como coletamos, usamos e compartilhamos suas informações.", sharing: false},
			{name: "transferência ao exterior", text: "Transferimos suas informações para os Estados Unidos.", sharing: false, topic: InternationalTransfers},
			{name: "divulgação não autorizada", text: "Protegemos suas informações contra divulgação não autorizada a terceiros.", sharing: false, topic: Security},
			{name: "direitos", text: "Você tem o direito de acessar e excluir seus dados.", sharing: false, topic: UserRights},
		})
	})
	t.Run("fr", func(t *testing.T) {
		runClassify(t, "fr", []classifyCase{
			{name: "entités Facebook", text: "WhatsApp reçoit des informations des autres entités Facebook et partage des informations avec elles.", sharing: true, quote: "entités Facebook"},
			{name: "ne vendons pas", text: "Nous ne vendons pas vos données personnelles.", sharing: true, negated: true},
			{name: "droits", text: "Vous pouvez accéder à vos informations et les supprimer.", sharing: false, topic: UserRights},
			{name: "forces de l'ordre", text: "Nous accédons aux informations, nous les conservons et partageons, y compris avec des organismes de réglementation, les forces de l'ordre et d'autres agences gouvernementales.", sharing: true, quote: "organismes de réglementation"},
			{name: "obligations légales", text: "Nous divulguerons les données en vertu des obligations légales.", sharing: true, quote: "obligations légales"},
			{name: "faisons appel", text: "Nous faisons appel à des prestataires pour héberger nos serveurs.", sharing: true, quote: "faisons appel à des prestataires"},
			{name: "avec le transporteur", text: "Nous partageons votre numéro de commande avec le transporteur.", sharing: true, quote: "avec le"},
			{name: "consultables par tous", text: "Votre numéro de téléphone, vos nom et photo de profil sont consultables par toutes les personnes qui utilisent nos Services.", sharing: true, quote: "consultables par toutes les personnes"},
			{name: "ces entreprises", text: "Nous travaillons avec des annonceurs. Ces entreprises peuvent recueillir des informations sur votre appareil.", sharing: true, quote: "recueillir"},
			{name: "sauf si", text: "Nous ne partageons pas vos informations avec des annonceurs, sauf si vous y consentez.", sharing: true, negated: false},
			{name: "avec nous", text: "Nos partenaires partagent des informations avec nous sur vos achats.", sharing: false},
			{name: "vous partagez", text: "Vous pouvez partager votre position avec des tiers.", sharing: false},
			{name: "liste annoncée", text: "Ce document explique comment nous collectons, utilisons et partageons vos informations.", sharing: false},
			{name: "transfert à l'étranger", text: "Nous transférons vos informations aux États-Unis.", sharing: false, topic: InternationalTransfers},
			{name: "divulgation non autorisée", text: "Nous protégeons vos informations contre toute divulgation non autorisée à des tiers.", sharing: false, topic: Security},
			{name: "messages non transmis", text: "Nous conservons les messages non transmis sur nos serveurs pendant 30 jours au maximum.", sharing: false, topic: Retention},
		})
	})
	t.Run("de", func(t *testing.T) {
		runClassify(t, "de", []classifyCase{
			{name: "Meta-Unternehmen", text: "Wir teilen Informationen mit den anderen Meta-Unternehmen.", sharing: true},
			{name: "verkaufen nicht", text: "Wir verkaufen Ihre Daten nicht.", sharing: true, negated: true},
			{name: "Speicherdauer", text: "Wir speichern Ihre Daten, solange Ihr Konto besteht.", sharing: false, topic: Retention},
		})
	})
}

func TestLanguage(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"en", "We share information with the other Facebook Companies to help us operate our Services.", "en"},
		{"es", "Compartimos información con las demás empresas de Meta para que nos ayuden a operar los Servicios.", "es"},
		{"pt", "Nós não vendemos os seus dados e você pode excluir a sua conta.", "pt"},
		{"fr", "Nous partageons des informations avec les autres entités Facebook pour vous fournir nos Services.", "fr"},
		{"de", "Wir teilen Informationen mit den anderen Meta-Unternehmen und verkaufen Ihre Daten nicht.", "de"},
		{"nothing to tell", "WhatsApp 2021", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Language(tt.text); got != tt.want {
				t.Errorf("Language = %q, want %q", got, tt.want)
			}
		})
	}
	// With no language given, Classify guesses it.
	if _, ok := Has(Classify("No vendemos tu información personal.", ""), DataSharing); !ok {
		t.Error("Classify with no language missed a Spanish sharing statement")
	}
	// A regional tag picks the language's lexicon.
	if _, ok := Has(Classify("Compartimos información con terceros.", "es-ES"), DataSharing); !ok {
		t.Error(`Classify with "es-ES" missed a Spanish sharing statement`)
	}
}

func TestClassifyEmpty(t *testing.T) {
	for _, text := range []string{"", "   ", "—"} {
		if ms := Classify(text, "en"); ms == nil || len(ms) != 0 {
			t.Errorf("Classify(%q) = %v, want an empty list", text, ms)
		}
	}
}

// TestWordsThatOnlyLookLikeTopics guards against stems that catch other
// words: "collectively" names a group of countries, it collects nothing.
func TestWordsThatOnlyLookLikeTopics(t *testing.T) {
	tests := []struct {
		name, text, lang, topic string
	}{
		{"collectively", "If you live in a country in the European Economic Area, and any other included country or territory (collectively referred to as the European Region), WhatsApp Ireland provides our Services.", "en", DataCollection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range Classify(tt.text, tt.lang) {
				if m.Topic == tt.topic {
					t.Errorf("tagged %s because of %v", tt.topic, m.Evidence)
				}
			}
		})
	}
}

// TestClassifyGeneralisationEnglish covers the rule families added so that
// the rules carry to policies nobody tuned them on (issue 11, item 6), one
// named case per family and per veto, each veto paired with a sharing
// statement it must leave alone.
func TestClassifyGeneralisationEnglish(t *testing.T) {
	runClassify(t, "en", []classifyCase{
		// Handing-over verbs beyond the lexicon.
		{name: "handing/transmit to the", text: "We transmit the full card number to the card issuer during order processing.", sharing: true, quote: "transmit the full card number to the"},
		{name: "handing/forward to a", text: "We may forward your request to a local dealer.", sharing: true, quote: "forward your request to a"},
		{name: "handing/send to vendor", text: "We send your shipping address to our delivery vendor.", sharing: true, quote: "vendor"},
		{name: "handing/processed through PayPal", text: "Payments on the site are processed through PayPal.", sharing: true, quote: "processed through PayPal"},
		{name: "handing/hosted by providers", text: "Our servers are hosted by a third-party cloud provider.", sharing: true, quote: "hosted by a third-party"},
		{name: "handing/outside the company", text: "We will not share your name outside the Smithsonian.", sharing: true, negated: true, quote: "outside the"},
		{name: "handing/make it accessible", text: "We may make it accessible to our affiliates.", sharing: true, quote: "make it accessible to our affiliates"},
		{name: "handing/send an email is no sharing", text: "We send a confirmation to the email address you gave us.", sharing: false},
		{name: "handing/send us is the service", text: "If you send us a message on Twitter, we may collect it.", sharing: false},
		{name: "handing/we share aggregate", text: "We also share information about our audience in aggregate form.", sharing: true, quote: "share information"},
		{name: "handing/with whom heading", text: "When and with whom we share your personal information; and what choices you have.", sharing: false},
		// Passive disclosure with no recipient.
		{name: "passive/may be disclosed", text: "In some cases it may be disclosed without notice.", sharing: true, quote: "may be disclosed"},
		{name: "passive/will not be sold", text: "It will never be sold.", sharing: true, negated: true, quote: "never be sold"},
		{name: "passive/may be shared", text: "Your reviews may be shared.", sharing: true, quote: "may be shared"},
		{name: "passive/heading", text: "Contents: Other Circumstances When Your Data May Be Shared", sharing: false},
		{name: "passive/purposes disclosed", text: "We use your data for the purposes disclosed at collection.", sharing: false},
		{name: "public/made publicly available", text: "The information that you post is made publicly available.", sharing: true, quote: "made publicly available"},
		{name: "public/publish your name", text: "We may publish your name and city with your review.", sharing: true, quote: "publish your"},
		{name: "public/not available to the public", text: "Your data is kept on servers that are not available to the public.", sharing: false},
		// Named companies and brands.
		{name: "named/Meta receives", text: "If you sign up for Meta One, Meta receives device and connection information.", sharing: true, quote: "Meta receives"},
		{name: "named/share with Google", text: "We share usage statistics with Google to measure traffic.", sharing: true, quote: "share usage statistics with Google"},
		{name: "named/use Salesforce", text: "We use Salesforce to manage customer records.", sharing: true, quote: "use Salesforce"},
		{name: "named/brand as recipient", text: "We disclose card details to Stripe to process your order.", sharing: true, quote: "disclose card details to Stripe"},
		{name: "named/Ltd as recipient", text: "We disclose card details to Northwind Payments Europe, Ltd. to process your order.", sharing: true, quote: "Northwind Payments Europe, Ltd"},
		{name: "named/Limited as recipient", text: "WhatsApp shares this information with Contoso Analytics Ireland Limited.", sharing: true, quote: "Contoso Analytics Ireland Limited"},
		{name: "named/the service itself", text: "Caribou Coffee Company, Inc. knows that you care how information about you is used and shared.", sharing: false},
		{name: "named/Inc collects is the service", text: "Acme Widgets, Inc. collects information when you visit the site.", sharing: false, topic: DataCollection},
		{name: "named/not limited to", text: "Examples include, but are not limited to, your name and address.", sharing: false},
		{name: "named/Google account is a place", text: "You can sign in with your Google account.", sharing: false},
		{name: "named/Amazon.com is a place", text: "When you shop on Amazon.com, we collect your orders.", sharing: false},
		// Third-party ad serving and cookies placed by others.
		{name: "cookies/ad servers use cookies", text: "Third-party ad servers or ad networks may use cookies to track your activity on this site, as their own privacy policies explain.", sharing: true, quote: "use cookies"},
		{name: "cookies/provided by third parties", text: "We may use cookies provided by third parties, including web analytics vendors.", sharing: true, quote: "cookies provided by third parties"},
		{name: "cookies/from partners", text: "Our pages carry web beacons from our advertising partners.", sharing: true, quote: "beacons from our advertising partners"},
		{name: "cookies/partners place cookies", text: "Some of our advertising partners may place cookies in the ads they serve.", sharing: true, quote: "place cookies"},
		{name: "cookies/third-party ad servers", text: "This site uses third-party ad servers to show banners.", sharing: true, quote: "third-party ad servers"},
		{name: "cookies/ads served by networks", text: "The ads on this site are served by advertising networks.", sharing: true, quote: "served by advertising networks"},
		{name: "cookies/reject third-party cookies", text: "You can reject cookies served by third parties in your browser.", sharing: false},
		{name: "cookies/available from Adobe", text: "Information on managing these cookies is available from Adobe.", sharing: false},
		// Negation typed without an apostrophe.
		{name: "negation/dont", text: "We dont share your email address with advertisers.", sharing: true, negated: true, quote: "dont share"},
		{name: "negation/doesnt", text: "Acme doesnt sell your personal information.", sharing: true, negated: true, quote: "doesnt sell"},
		// Vetoes that misfired, each with the practice it must not hide.
		{name: "veto/other users share", text: "Other users may share your posts with third parties.", sharing: false},
		{name: "veto/your friends share", text: "Your friends can share your photos with other apps.", sharing: false},
		{name: "veto/you agree we share", text: "You agree that we may share your information with our partners.", sharing: true, quote: "share your information with our partners"},
		{name: "veto/unlawfully intercept", text: "No transmission is secure: third parties may unlawfully intercept or access your data.", sharing: false, topic: Security},
		{name: "veto/intercept then disclose", text: "All files on this system may be intercepted, monitored, recorded, copied, audited, inspected, and disclosed to law enforcement.", sharing: true, quote: "law enforcement"},
		{name: "veto/cannot guarantee far", text: "Although we protect against unauthorized access, we cannot promise that the information we collect will never be disclosed in a way this policy does not describe.", sharing: false, topic: Security},
		{name: "veto/shine the light request", text: "If you reside in California, you may request information about our disclosures of your personal information to third parties for their direct marketing purposes.", sharing: false},
		{name: "veto/hipaa accounting", text: "An accounting of disclosures does not include the following: disclosures made to federal officials; disclosures to correctional institutions or law enforcement.", sharing: false},
		{name: "veto/hipaa practice stays", text: "We may disclose your health information to your insurer to get paid for your care. You have the right to an accounting of disclosures.", sharing: true, quote: "disclose your health information"},
		{name: "veto/please do not disclose", text: "Please do not disclose your home address in our chat rooms.", sharing: false},
		{name: "veto/children practice stays", text: "Please note that we share information about children only with their school.", sharing: true, quote: "share information"},
		{name: "veto/if you do not want", text: "If you do not want us to use the information we gather to allow third parties to personalize the ads you see, adjust your Advertising Preferences.", sharing: false},
		{name: "veto/disclosure opt-out", text: "Write to us with \"Disclosure Opt-out\" in the subject line.", sharing: false},
		{name: "veto/opt-out beside practice", text: "You may opt out of marketing emails. We share your purchase history with our advertising partners.", sharing: true, quote: "advertising partners"},
	})
}

// TestClassifyGeneralisationSpanish is TestClassifyGeneralisationEnglish
// in Spanish: each family and veto added for issue 11 has its Spanish
// counterpart, in the wording of WhatsApp's and Meta's Spanish policies.
func TestClassifyGeneralisationSpanish(t *testing.T) {
	runClassify(t, "es", []classifyCase{
		// Handing-over verbs beyond the lexicon.
		{name: "entrega/transmitimos al", text: "Transmitimos el número de la tarjeta al banco emisor para completar el pago.", sharing: true, quote: "Transmitimos el número de la tarjeta al"},
		{name: "entrega/procesados a través de PayPal", text: "Los pagos son procesados a través de PayPal.", sharing: true, quote: "procesados a través de PayPal"},
		{name: "entrega/alojados por proveedores", text: "Tus datos son alojados por un proveedor de servicios en la nube.", sharing: true, quote: "alojados por un proveedor"},
		{name: "entrega/compartimos información agregada", text: "Compartimos información agregada sobre el uso de los Servicios.", sharing: true, quote: "Compartimos información"},
		{name: "entrega/nos envías", text: "Si nos envías un mensaje por Twitter, podemos recopilarlo.", sharing: false},
		{name: "entrega/con quién", text: "Con quién compartimos tu información", sharing: false},
		// Passive disclosure with no recipient.
		{name: "pasiva/se pueden divulgar", text: "En algunos casos, estos datos se pueden divulgar sin previo aviso.", sharing: true, quote: "se pueden divulgar"},
		{name: "pasiva/podrá ser compartida", text: "Tu reseña podrá ser compartida.", sharing: true, quote: "podrá ser compartida"},
		{name: "pasiva/podrán cederse", text: "Los datos podrán cederse en los casos previstos por la ley.", sharing: true, quote: "podrán cederse"},
		{name: "pasiva/no serán vendidos", text: "Nunca serán vendidos.", sharing: true, negated: true, quote: "serán vendidos"},
		{name: "pública/publicamos tu nombre", text: "Publicamos tu nombre y tu ciudad junto a tu reseña.", sharing: true, quote: "Publicamos tu"},
		{name: "pública/a disposición del público", text: "Tu perfil se pone a disposición del público.", sharing: true, quote: "a disposición del público"},
		// Named companies and brands.
		{name: "empresas/Meta recibe", text: "Si te suscribes a funciones de suscripción, por ejemplo, Meta One, Meta recibe información del dispositivo y de la conexión.", sharing: true, quote: "Meta recibe"},
		{name: "empresas/las empresas de Meta", text: "Las empresas de Meta reciben información sobre tus compras.", sharing: true, quote: "reciben"},
		{name: "empresas/proveedores como Google", text: "Compartimos datos de uso con proveedores como Google para medir el tráfico.", sharing: true, quote: "proveedores"},
		{name: "empresas/utilizamos Salesforce", text: "Utilizamos Salesforce para gestionar la atención al cliente.", sharing: true, quote: "Utilizamos Salesforce"},
		{name: "empresas/S.L. como destinatario", text: "Cedemos los datos de envío a Mensajería Rápida Ibérica, S.L. para entregar tu pedido.", sharing: true, quote: "Mensajería Rápida Ibérica, S"},
		{name: "empresas/Limited como destinatario", text: "WhatsApp comparte esta información con Contoso Analytics Ireland Limited.", sharing: true, quote: "Contoso Analytics Ireland Limited"},
		{name: "empresas/la propia empresa", text: "Acme Servicios, S.L. recopila información cuando visitas el sitio.", sharing: false, topic: DataCollection},
		{name: "empresas/cuenta de Google", text: "Puedes iniciar sesión con tu cuenta de Google.", sharing: false},
		// Third-party ad serving and cookies placed by others.
		{name: "cookies/redes publicitarias instalan cookies", text: "Las redes publicitarias de terceros pueden instalar cookies para seguir tu actividad en este sitio.", sharing: true, quote: "instalar cookies"},
		{name: "cookies/instaladas por terceros", text: "Utilizamos cookies instaladas por terceros, como proveedores de análisis.", sharing: true, quote: "cookies instaladas por terceros"},
		{name: "cookies/de nuestros socios", text: "Nuestras páginas incluyen píxeles de nuestros socios publicitarios.", sharing: true, quote: "píxeles de nuestros socios"},
		{name: "cookies/servidores de anuncios de terceros", text: "Este sitio utiliza servidores de anuncios de terceros para mostrar banners.", sharing: true, quote: "servidores de anuncios de terceros"},
		{name: "cookies/anuncios servidos por redes", text: "Los anuncios de este sitio son servidos por redes publicitarias.", sharing: true, quote: "servidos por redes publicitarias"},
		{name: "cookies/rechazar", text: "Puedes rechazar las cookies instaladas por terceros en tu navegador.", sharing: false},
		// Negation typed without accents (the Spanish counterpart of "dont").
		{name: "negación/jamas sin tilde", text: "Jamas compartimos tu numero de telefono con anunciantes.", sharing: true, negated: true, quote: "Jamas"},
		{name: "negación/en ningun caso", text: "En ningun caso vendemos tus datos.", sharing: true, negated: true},
		// Vetoes that misfired, each with the practice it must not hide.
		{name: "veto/otros usuarios comparten", text: "Otros usuarios pueden compartir tus publicaciones con terceros.", sharing: false},
		{name: "veto/tus contactos comparten", text: "Tus contactos pueden reenviar tus mensajes a otras aplicaciones.", sharing: false},
		{name: "veto/aceptas que compartamos", text: "Aceptas que compartamos tu información con nuestros socios.", sharing: true, quote: "socios"},
		{name: "veto/interceptar ilegalmente", text: "Ninguna transmisión es segura: terceros podrían interceptar ilegalmente o acceder a tus datos.", sharing: false, topic: Security},
		{name: "veto/shine the light", text: "Si resides en California, puedes solicitar información sobre las divulgaciones de tus datos a terceros con fines de marketing directo.", sharing: false},
		{name: "veto/registro de divulgaciones", text: "El registro de divulgaciones no incluye lo siguiente: divulgaciones a funcionarios federales; divulgaciones a las fuerzas del orden.", sharing: false},
		{name: "veto/por favor no compartas", text: "Por favor, no compartas tu dirección en los grupos.", sharing: false},
		{name: "veto/si no deseas", text: "Si no deseas que usemos la información que recopilamos para permitir que terceros personalicen los anuncios que ves, cambia tu configuración.", sharing: false},
		{name: "veto/oposición junto a práctica", text: "Puedes darte de baja de los correos. Compartimos tu historial de compras con nuestros socios publicitarios.", sharing: true, quote: "socios"},
	})
}

// TestClassifyItem reads list items after their lead-in, in English and
// Spanish: an item that names a recipient or a case continues the lead-in's
// sharing verb, and is denied when the lead-in is.
func TestClassifyItem(t *testing.T) {
	tests := []struct {
		name, lead, text, lang string
		sharing, negated       bool
		quote                  string
	}{
		{"en/recipient item", "We may share your information with:", "Service providers that host our servers.", "en", true, false, "Service providers"},
		{"en/case item", "We may disclose your information in these cases:", "When required by law.", "en", true, false, "required by law"},
		{"en/denied lead-in", "We never share your information with:", "Data brokers;", "en", true, true, "Data brokers"},
		{"en/lead-in that collects", "We collect the following from third parties:", "Advertising partners.", "en", false, false, ""},
		{"en/no colon", "We may share your information with partners.", "Advertising partners.", "en", false, false, ""},
		{"en/item with its own verb", "Contact us:", "We share your email with our partners.", "en", true, false, "partners"},
		{"es/destinatario", "Podemos compartir tu información con:", "Las empresas de Meta.", "es", true, false, "empresas de Meta"},
		{"es/caso", "Podemos divulgar tu información en estos casos:", "Cuando lo exija la ley.", "es", true, false, "lo exija la ley"},
		{"es/negada", "Nunca cedemos tus datos a:", "Corredores de datos;", "es", true, true, "Corredores de datos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := ClassifyItem(tt.text, tt.lead, tt.lang)
			m, got := Has(ms, DataSharing)
			if got != tt.sharing {
				t.Fatalf("data-sharing = %v, want %v (%v)", got, tt.sharing, ms)
			}
			if !got {
				return
			}
			if m.Negated != tt.negated {
				t.Errorf("negated = %v, want %v", m.Negated, tt.negated)
			}
			for _, e := range m.Evidence {
				if tt.text[e.Start:e.End] != e.Text {
					t.Errorf("evidence %+v does not quote the item", e)
				}
			}
			if !slices.ContainsFunc(m.Evidence, func(e Evidence) bool { return strings.Contains(e.Text, tt.quote) }) {
				t.Errorf("no evidence quotes %q: %v", tt.quote, m.Evidence)
			}
		})
	}
	// Within one clause, the items after a colon continue it too.
	runClassify(t, "en", []classifyCase{
		{name: "en/items in one clause", text: "We may disclose your information in the following circumstances: • When required by law; • To our service providers.", sharing: true, quote: "service providers"},
	})
	runClassify(t, "es", []classifyCase{
		{name: "es/items in one clause", text: "Podemos comunicar tus datos a: • Las empresas de Meta; • Nuestros proveedores de servicios.", sharing: true, quote: "proveedores de servicios"},
	})
}

// TestRecipientKeys: a brand and a company named by its legal form are
// recipients of their own ("org:" and the name), so that severity sees a
// new one as new, while Meta and Facebook stay the Meta Companies, so that
// a rename is no new recipient.
func TestRecipientKeys(t *testing.T) {
	tests := []struct{ lang, text string }{
		{"en", "We share data with Google, Meta, Facebook and Northwind Payments, Inc."},
		{"es", "Compartimos datos con Google, Meta, Facebook y Northwind Payments, Inc."},
	}
	want := []string{"org:Google", "meta-companies", "meta-companies", "org:Northwind Payments"}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			var got []string
			for _, r := range lexiconFor("", tt.lang).recipients(tokenize(tt.text)) {
				got = append(got, r.key)
			}
			if !slices.Equal(got, want) {
				t.Errorf("recipient keys = %q, want %q", got, want)
			}
		})
	}
}
