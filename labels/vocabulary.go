package labels

import "strings"

// The classifier's vocabulary of who gets which data: the keys of
// diff.Statement's data categories, recipients, purposes and conditions.
// The keys are a contract (the API carries them); package topics recognises
// them in clauses, and a test there checks that every key it can produce is
// named here. Names are written to fit into a headline: "WhatsApp now
// shares your phone number with advertisers".

// dataLabel names data categories, as the object of a sentence.
func dataLabel(key string) (label, bool) {
	switch key {
	case "personal-information":
		return label{"your information", "tu información"}, true
	case "contact-details":
		return label{"your contact details", "tus datos de contacto"}, true
	case "phone-number":
		return label{"your phone number", "tu número de teléfono"}, true
	case "contacts":
		return label{"your contacts", "tus contactos"}, true
	case "location":
		return label{"your location", "tu ubicación"}, true
	case "device-connection":
		return label{"device and connection information", "información del dispositivo y de la conexión"}, true
	case "identifiers":
		return label{"identifiers", "identificadores"}, true
	case "messages-content":
		return label{"your messages and content", "tus mensajes y contenidos"}, true
	case "payments":
		return label{"payment and transaction information", "información de pagos y transacciones"}, true
	case "usage":
		return label{"your usage information", "tu información de uso"}, true
	case "profile":
		return label{"your profile information", "la información de tu perfil"}, true
	case "account":
		return label{"your account information", "la información de tu cuenta"}, true
	case "biometric":
		return label{"biometric data and images", "datos biométricos e imágenes"}, true
	case "health":
		return label{"health information", "información de salud"}, true
	case "user-choices":
		return label{"your choices and settings", "tus elecciones y ajustes"}, true
	case "cookies":
		return label{"cookie data", "datos de cookies"}, true
	}
	return label{}, false
}

// recipientLabel names recipients, as the object of "with" or "to".
func recipientLabel(key string) (label, bool) {
	switch key {
	case "meta":
		return label{"Meta", "Meta"}, true
	case "meta-companies":
		return label{"the Meta Companies", "las empresas de Meta"}, true
	case "whatsapp":
		return label{"WhatsApp", "WhatsApp"}, true
	case "affiliates":
		return label{"affiliated companies", "empresas afiliadas"}, true
	case "service-providers":
		return label{"service providers", "proveedores de servicios"}, true
	case "advertisers":
		return label{"advertisers", "anunciantes"}, true
	case "partners":
		return label{"partners", "socios"}, true
	case "third-parties":
		return label{"third parties", "terceros"}, true
	case "law-enforcement":
		return label{"law enforcement and authorities", "las fuerzas del orden y las autoridades"}, true
	case "public":
		return label{"the public", "el público"}, true
	case "other-users":
		return label{"other users", "otros usuarios"}, true
	case "businesses":
		return label{"businesses you interact with", "las empresas con las que interactúas"}, true
	case "buyer":
		return label{"a buyer of the company", "un comprador de la empresa"}, true
	case "data-brokers":
		return label{"data brokers", "intermediarios de datos"}, true
	case "researchers":
		return label{"researchers", "investigadores"}, true
	}
	return label{}, false
}

// purposeLabel names purposes, after "to" / "para".
func purposeLabel(key string) (label, bool) {
	switch key {
	case "advertising":
		return label{"show you ads", "mostrarte anuncios"}, true
	case "marketing":
		return label{"market to you", "enviarte publicidad"}, true
	case "service":
		return label{"provide the service", "prestar el servicio"}, true
	case "improvement":
		return label{"improve their products", "mejorar sus productos"}, true
	case "safety":
		return label{"keep the service safe", "mantener la seguridad del servicio"}, true
	case "legal":
		return label{"comply with the law", "cumplir la ley"}, true
	case "analytics":
		return label{"measure and analyse", "medir y analizar"}, true
	case "ai":
		return label{"train or run AI", "entrenar o usar inteligencia artificial"}, true
	case "personalization":
		return label{"personalise what you see", "personalizar lo que ves"}, true
	case "own-purposes":
		return label{"use it for their own purposes", "usarla para sus propios fines"}, true
	}
	return label{}, false
}

// conditionLabel names conditions, as a clause closing a sentence.
func conditionLabel(key string) (label, bool) {
	switch key {
	case "choice":
		return label{"if you opt in", "si tú lo eliges"}, true
	case "consent":
		return label{"with your consent", "con tu consentimiento"}, true
	case "law":
		return label{"when the law requires it", "cuando la ley lo exige"}, true
	case "merger":
		return label{"if the company is sold or merged", "si la empresa se vende o se fusiona"}, true
	case "request":
		return label{"at your request", "a petición tuya"}, true
	}
	return label{}, false
}

// Data names a data category key in lang; an unknown key is shown as is.
func Data(key, lang string) string { return vocabulary(dataLabel, key, lang) }

// Recipient names a recipient key in lang. A named company ("org:Google")
// is its name.
func Recipient(key, lang string) string {
	if name, ok := strings.CutPrefix(key, "org:"); ok {
		return name
	}
	return vocabulary(recipientLabel, key, lang)
}

// Purpose names a purpose key in lang.
func Purpose(key, lang string) string { return vocabulary(purposeLabel, key, lang) }

// Condition names a condition key in lang.
func Condition(key, lang string) string { return vocabulary(conditionLabel, key, lang) }

// Known reports whether key is in the vocabulary of part ("data",
// "recipient", "purpose" or "condition"), for the test that holds the
// classifier to these keys.
func Known(part, key string) bool {
	if part == "recipient" && strings.HasPrefix(key, "org:") {
		return len(key) > len("org:")
	}
	lookup := map[string]func(string) (label, bool){"data": dataLabel, "recipient": recipientLabel, "purpose": purposeLabel, "condition": conditionLabel}[part]
	if lookup == nil {
		return false
	}
	_, ok := lookup(key)
	return ok
}

func vocabulary(lookup func(string) (label, bool), key, lang string) string {
	if l, ok := lookup(key); ok {
		return l.in(lang)
	}
	return key
}
