package topics

// spanish is how Spanish policies speak (WhatsApp's Spanish policy says
// "compartimos información con las demás empresas de Meta", "proveedores de
// servicios externos", "no vendemos"): verbs are listed by stem, since
// Spanish conjugates them in many forms.
var spanish = lexicon{
	give: []string{
		"compart*", "revel*", "ced*", "cesion*", "transfer*", "traspas*", "trasfer*",
		"comunicar", "comunicamos", "comunicaremos", "comunicara*", "comunicad*",
		"comunicacion de datos", "comunicaciones de datos", "divulg*", "intercambi*",
	},
	// hand: "proporcionar", "facilitar", "enviar" and "dar acceso" also
	// mean providing the Services to the user ("proporcionarte los
	// Servicios"): they count only with the recipient after them.
	hand: []string{
		"proporcion*", "facilit*", "entreg*", "suministr*", "envia*", "enviamos", "enviar", "enviaremos",
		"transmit*", "remit*", "reportamos", "reportar", "informamos a", "informar a",
		"poner a disposicion", "ponemos a disposicion", "pone a disposicion", "ponga a disposicion",
		"dar acceso", "damos acceso", "da acceso", "permitir el acceso", "permitimos el acceso", "permitir acceso",
		"otorg* acceso", "conceder acceso", "concedemos acceso",
		"trabajamos con", "trabaja con", "trabajar con", "colaboramos con", "colabora con", "colaborar con",
		"nos asociamos con", "se asocia con",
	},
	sell: []string{
		"vend*", "venta", "alquil*", "arrend*", "comerci* con", "lucr*",
	},
	recipient: []string{
		"tercer* => third-parties", "terceras partes => third-parties", "otras empresas => third-parties",
		"empresas externas => third-parties", "entidades externas => third-parties", "otras entidades => third-parties",
		"ajen* => third-parties", "externos => third-parties",
		"empresas de meta => meta-companies", "empresas meta => meta-companies",
		"empresas de facebook => meta-companies", "empresas facebook => meta-companies",
		"productos de las empresas de meta => meta-companies", "productos de las empresas de facebook => meta-companies",
		"familia de facebook => meta-companies", "familia de empresas => meta-companies",
		"socio* => partners", "partners => partners", "colaborador* => partners", "aliad* => partners",
		"anunciante* => advertisers", "redes publicitarias => advertisers", "empresas de publicidad => advertisers",
		"empresas publicitarias => advertisers", "patrocinador* => advertisers",
		"afiliad* => affiliates", "filial* => affiliates", "empresas del grupo => affiliates",
		"grupo de empresas => affiliates", "sociedades del grupo => affiliates", "matriz => affiliates",
		"proveedores de servicios => service-providers", "proveedor* => service-providers", "prestador* => service-providers", "encargado* del tratamiento => service-providers",
		"subencargado* => service-providers", "contratista* => service-providers", "empresas que nos ayudan => service-providers",
		"fuerzas del orden => law-enforcement", "fuerzas de seguridad => law-enforcement", "policia => law-enforcement",
		"tribunal* => law-enforcement", "juzgado* => law-enforcement", "jueces => law-enforcement",
		"autoridad* => government", "organismo* => government", "gobierno* => government",
		"administraciones publicas => government", "reguladores => government", "agencias gubernamentales => government",
		"comprador* => acquirer", "adquirente* => acquirer", "sucesor* => acquirer", "nuevo propietario => acquirer",
		// Companies named by their brand, keyed as in English: Meta,
		// Facebook and Instagram are the Meta Companies ("Meta recibe
		// información del dispositivo"), so that a rename is no new
		// recipient; each other brand is a recipient of its own.
		"meta => meta-companies", "meta platforms => meta-companies", "facebook => meta-companies",
		"instagram => meta-companies", "google* => org:Google", "youtube => org:Google", "google drive => org:Google",
		"twitter* => org:Twitter", "microsoft* => org:Microsoft", "apple => org:Apple", "icloud => org:Apple",
		"amazon => org:Amazon", "amazon web services => org:Amazon", "adobe* => org:Adobe",
		"salesforce* => org:Salesforce", "oracle* => org:Oracle", "linkedin* => org:LinkedIn", "paypal* => org:PayPal",
		"stripe => org:Stripe", "tiktok* => org:TikTok", "mastercard* => org:Mastercard", "experian* => org:Experian",
		"equifax* => org:Equifax", "zendesk* => org:Zendesk", "twilio* => org:Twilio", "cloudflare* => org:Cloudflare",
		"encargado* => service-providers", "empresas que actuan en nuestro nombre => service-providers",
		"empresas que nos prestan servicios => service-providers", "quienes actuan en nuestro nombre => service-providers",
		"consultor* => service-providers", "asesor* => service-providers", "auditor* => service-providers",
		"cuerpos de seguridad => law-enforcement", "cuerpos y fuerzas de seguridad => law-enforcement",
		"ministerio fiscal => law-enforcement", "fiscalia* => law-enforcement",
		"entidades gubernamentales => government", "organos => government", "administracion publica => government",
		"agencia* de proteccion de datos => government", "autoridad de control => government",
		"otra empresa => third-parties", "otra entidad => third-parties", "otras partes => third-parties",
		"otra parte => third-parties", "otras organizaciones => third-parties", "empresas no vinculadas => third-parties",
		"licenciatario* => partners", "licenciante* => partners", "franquiciad* => partners", "distribuidores => partners",
		"revendedores => partners", "concesionarios => partners",
		"burós de crédito => third-parties", "buro* de credito => third-parties", "agencias de informes crediticios => third-parties",
		"ficheros de solvencia => third-parties", "sistemas de informacion crediticia => third-parties",
		"entidades financieras => third-parties", "instituciones financieras => third-parties", "bancos => third-parties",
		"aseguradoras => third-parties", "companias de seguros => third-parties", "entidades aseguradoras => third-parties",
		"corredores de datos => data-brokers", "intermediarios de datos => data-brokers", "brokers de datos => data-brokers",
		"cualquier persona => others", "otras personas => others", "otros usuarios => others", "el publico => public",
		"publico en general => public", "empresas de analisis => service-providers", "empresas de medicion => service-providers",
		"proveedores de analisis => service-providers", "empresas de marketing => advertisers",
	},
	collect: []string{
		"recopil*", "recog*", "recib*", "obtien*", "obten*", "tienen acceso", "tiene acceso", "tendran acceso",
		"acced*", "utiliz* cookies", "usan cookies", "instal* cookies", "rastre*", "registr*", "ven", "veran",
	},
	agent: []string{"por", "a traves de", "mediante"},
	// company: the legal forms that close a company's name, written with
	// a capital ("Meta Platforms Ireland Limited", "Acme Pagos, S.L.").
	company: []string{"inc", "llc", "ltd", "limited", "gmbh", "corp", "plc", "s l", "s a", "s l u", "s a u", "sl", "sa", "slu", "sau", "s a de c v"},
	article: []string{
		"el", "la", "los", "las", "un", "una", "nuestro", "nuestra", "nuestros", "nuestras", "su", "sus", "con", "a", "al",
		"de", "del", "y", "como", "por", "para", "entre",
	},
	us:    []string{"nos"},
	and:   []string{"y", "e", "o", "u", "asi como"},
	modal: []string{"puede", "pueden", "podra", "podran", "podria", "podrian", "debe", "deben", "sera", "seran"},
	wish: []string{
		"si no deseas", "si no quieres", "si prefieres que no", "si ya no deseas", "si ya no quieres", "para oponerte",
		"puedes oponerte", "para darte de baja", "puedes darte de baja", "para excluirte",
	},
	noun: []string{"cesion*", "divulgacion*", "comunicacion*", "transferencia*", "comparticion"},
	cookie: []string{
		"cookies", "cookie", "balizas web", "balizas", "pixeles", "pixel", "etiquetas", "tecnologias similares", "sdk*",
		"herramientas de seguimiento", "almacenamiento local",
	},
	by: []string{"por", "de", "del", "de los", "de las", "procedentes de", "propiedad de"},
	place: []string{
		"com", "play", "cuenta", "cuentas", "tienda", "flash",
		"sitio*", "web", "paginas", "pagina", "enlace*", "politicas", "politica", "practicas", "condiciones",
		"politicas de privacidad", "terminos", "aplicaciones", "servicios web",
	},
	// user: "tú" is mostly dropped, so the second-person verbs that
	// govern an infinitive ("si decides compartir", "puedes enviar") say
	// who the subject is; see also yours.
	user: []string{
		"tu", "usted", "ustedes", "usuario", "usuarios", "ninos", "menores", "decides", "eliges", "quieres",
		"optas", "deseas", "puedes", "debes", "prefieres", "decidas", "elijas", "quieras",
		"por favor", "tus contactos", "tus amigos", "otras personas",
	},
	aux: []string{
		"puedes", "puede", "pueden", "decides", "decide", "eliges", "elige", "quieres", "quiere", "a", "no", "ya",
		"tambien", "optas", "por", "deseas", "debes", "deben", "debe", "podras", "podran", "decidir", "elegir",
		"nunca", "deberian", "deberias", "quieras", "decidas", "elijas",
	},
	// anaphor: Spanish rarely says "they" ("ellos"); it says "estas
	// empresas", "dichos terceros", or puts "les" before the verb ("les
	// proporcionamos").
	anaphor: []string{
		"estos terceros", "dichos terceros", "tales terceros", "estas empresas", "dichas empresas", "estos proveedores",
		"dichos proveedores", "estos socios", "dichos socios", "estas entidades", "dichas entidades",
		"estos anunciantes", "dichos anunciantes", "estos colaboradores", "con ellos", "con ellas", "a ellos", "a ellas",
		"les",
	},
	disclose: []string{
		"revelamos", "revelaremos", "revelar", "revelada*", "revelado*", "divulgamos", "divulgar", "divulgada*",
		"divulgado*", "cedemos", "cederemos", "ceder", "cedida*", "cedido*", "compartimos", "compartiremos",
		"compartir", "compartida*", "compartido*", "comunicamos", "comunicaremos",
	},
	choice: []string{
		"oponerte", "oponerse", "excluirte", "darte de baja", "retirar", "solicitar", "solicitud", "derecho a",
		"derechos", "opciones", "preferencias", "limitar", "no deseas", "no quieres", "prefieres que no",
		"desactivar", "desactiva", "configuracion", "pedirnos que no", "rechazar", "rechaza", "bloquear", "bloquea",
		"no aceptar", "no aceptas",
	},
	accident: []string{
		"no autorizad*", "accidental*", "brecha*", "violacion de seguridad", "indebid*", "ilicit*",
		"intercept*", "ilegalmente", "piratas informaticos", "hacker*", "malintencionad*", "malicios*", "robo", "robad*",
	},
	engage: []string{
		"utilizamos", "utiliza", "usamos", "usa", "empleamos", "contratamos", "contratamos a", "contrata a",
		"subcontratamos", "recurrimos a", "recurre a", "nos valemos de", "nos servimos de", "nos apoyamos en",
		"contamos con", "cuenta con", "encargamos a", "confiamos en",
	},
	legal: []string{
		"lo exija la ley", "lo exige la ley", "la ley lo exija", "la ley lo exige", "lo requiera la ley",
		"lo exija la legislacion", "lo exija la normativa", "exigido por la ley", "exigida por la ley",
		"exigido por ley", "exigida por ley", "requerido por la ley", "requerida por la ley", "requerido por ley",
		"obligados por ley", "obligados legalmente", "obligacion* legal*",
		"cumplir con la ley", "cumplir la ley", "cumplir con las leyes",
		"requerimiento* judicial*", "requerimiento* legal*", "orden judicial", "ordenes judiciales",
		"mandamiento* judicial*", "citacion*", "proceso* legal*", "procedimiento* judicial*", "procedimiento* legal*",
		"solicitud* legal*", "solicitudes legales", "peticion* legal*", "buena fe", "proteger nuestros derechos",
		"proteger los derechos", "defender nuestros derechos", "hacer valer nuestros", "investigar",
		"actividad* ilegal*", "actividad* ilicita*", "fraude", "seguridad nacional", "emergencia*", "reclamaciones legales",
	},
	toself: []string{"con nosotros", "a nosotros", "con whatsapp"},
	// public: data everyone may see. "Información pública" alone is also
	// what the service gathers from public sources, so it counts only
	// when the clause says the data is (or will be) such information.
	public: []string{
		"publicamente", "de forma publica", "de manera publica", "es informacion publica", "son informacion publica",
		"sera informacion publica", "seran informacion publica", "como informacion publica", "hacer public*",
		"hacemos public*", "se hace public*", "se hara public*", "se haran public*", "visible* para todos",
		"visible* para cualquier", "disponible* para todos", "disponible* para cualquier persona",
		"al alcance de cualquier", "accesible* para cualquier", "accesible* para todos",
		"publicamos tu", "publicaremos tu", "publicar tu", "publicamos su", "publicar su", "se publicara*",
		"a disposicion del publico",
	},
	onward: []string{
		"compartimos", "compartiremos", "compartir", "compartira*", "compartida*", "compartido*", "comparte",
		"revelamos", "revelaremos", "revelar", "cedemos", "cederemos", "ceder", "divulgamos", "divulgar",
		"reenviamos", "reenviar", "remitimos", "remitir",
		"transmitimos", "transmitiremos", "transmitir", "transmitida*", "transmitido*", "transmite",
	},
	towhom: []string{
		"con el", "con la", "con los", "con las", "con un", "con una", "con unos", "con unas", "con dicho",
		"con dicha", "con cualquier", "con determinad*", "con su", "con sus", "con ciertos", "con ciertas",
		"al", "a la", "a las", "a los", "a un", "a una", "a cualquier", "a dicho", "a dicha", "a determinad*",
		"a su", "a sus",
	},
	nobody: []string{
		"fin", "finalidad", "objetivo", "objeto", "proposito", "consentimiento", "permiso", "autorizacion",
		"medida", "ley", "leyes", "legislacion", "normativa", "vez", "tiempo", "menos", "mismo", "respecto",
		"efecto", "efectos", "largo", "hora", "momento", "dispositivo", "navegador", "ordenador", "telefono",
		"publico", "resto", "usuario", "usuarios", "personas con", "siguiente*", "presente",
	},
	move: []string{"transfer*", "trasfer*"},
	abroad: []string{
		"pais", "paises", "otros paises", "estados unidos", "ee uu", "eeuu", "eua", "fuera del eee",
		"fuera del espacio economico europeo", "fuera de la union europea", "union europea", "extranjero",
		"jurisdiccion*", "todo el mundo", "nivel internacional", "a escala mundial",
	},
	secret: []string{"contrasena*", "clave*", "tu pin", "codigo de verificacion", "codigo de registro", "codigo de seguridad", "credenciales"},
	toyou:  []string{"contigo", "a ti", "a usted", "con usted", "a los usuarios", "a nuestros usuarios"},
	handle: []string{
		"recopilamos", "recopila", "recopilar", "recogemos", "recoger", "usamos", "usa", "usar", "utilizamos",
		"utiliza", "utilizar", "tratamos", "trata", "tratar", "almacenamos", "conservamos", "procesamos",
	},
	frame:         []string{"como", "si", "sabiendas", "describe", "explica", "describimos", "explicamos"},
	ask:           []string{"quien", "quienes"},
	passiveSuffix: "se",
	weSuffix:      "mos",
	// notice: California's "Shine the Light" law and HIPAA's accounting
	// of disclosures, as Spanish translations of US policies name them.
	notice: []string{
		"shine the light => law", "1798 83 => law", "codigo civil de california => law",
		"registro de divulgaciones => law", "registro de las divulgaciones => law", "relacion de divulgaciones => law",
		"contabilidad de divulgaciones => law", "solicitar una lista", "lista de terceros", "lista de los terceros",
		"lista de las categorias", "solicitar informacion sobre", "informacion sobre las divulgaciones",
	},
	frameWindow:   2,
	accidentAfter: 3,
	passive: []string{
		"tratad*", "recopilad*", "recogid*", "recibid*", "obtenid*", "utilizad*", "usad*", "procesad*",
		"almacenad*", "alojad*", "gestionad*", "vist*", "rastread*", "registrad*", "servid*", "instalad*", "colocad*",
	},
	yours: []string{
		"compartes", "compartas", "compartiste", "compartiras", "revelas", "reveles", "cedes", "cedas",
		"transfieres", "transfieras", "divulgas", "divulgues", "comunicas", "comuniques", "proporcionas",
		"proporciones", "proporcionaste", "facilitas", "facilites", "entregas", "entregues", "suministras",
		"envias", "envies", "enviaste", "vendes", "vendas", "intercambias", "remites", "transmites", "das acceso",
		"des acceso", "trabajas con", "publicas", "subes",
	},
	selfClitic: []string{"nos"},
	selfSuffix: []string{"nos"},
	youClitic:  []string{"te"},
	youSuffix:  []string{"te"},
	of:         []string{"de", "del", "de los", "de las", "de otros", "de otras"},
	be:         []string{"ser", "es", "son", "sera", "seran", "fue", "fueron", "sido", "siendo", "sean", "sea", "se"},
	self:       []string{"nosotros"},
	disclaimer: []string{
		"no somos responsables", "no nos hacemos responsables", "no controlamos", "no tenemos control", "se rigen por",
		"sus propias politicas", "sus propios terminos", "sus propias condiciones", "no se aplica", "no es responsable",
		"no se hace responsable", "no controla", "te recomendamos que leas", "te recomendamos que revises",
	},
	data: []string{
		"informacion", "datos", "datos personales", "informacion personal", "tu informacion", "sus datos",
		"tus datos",
	},
	business: []string{
		"fusion*", "adquisicion*", "adquirid*", "quiebra", "insolvencia", "concurso de acreedores",
		"reorganizacion*", "reestructuracion*", "cambio de control", "venta de activos", "activos",
		"operacion societaria", "operaciones societarias", "liquidacion", "disolucion",
	},
	tracker: []string{
		"cookies de terceros", "cookies de otras empresas", "tecnologias de terceros", "pixeles de terceros",
		"publicidad basada en intereses", "publicidad comportamental", "publicidad personalizada de terceros",
		"google analytics", "plugins sociales", "complementos sociales", "boton me gusta", "pixel de meta",
		"pixel de facebook", "servidores de anuncios de terceros", "servidores publicitarios de terceros",
		"redes publicitarias de terceros",
	},
	negation: []string{
		"no", "nunca", "jamas", "ni", "tampoco", "ningun", "ninguna", "ninguno", "en ningun caso",
	},
	exception: []string{
		"salvo", "excepto", "a menos que", "a excepcion", "con excepcion", "fuera de", "sin tu consentimiento",
		"sin su consentimiento", "solo", "unicamente", "salvo que", "a no ser que", "excepto cuando", "excepto si",
	},
	purpose: []string{
		"publicidad => advertising", "publicitari* => advertising", "anuncio* => advertising",
		"marketing => marketing", "promocion* => marketing", "comercializ* => marketing",
		"personaliz* => personalization", "mejor* => improvement", "desarroll* => development",
		"investigacion => research", "analisis => analytics", "analiz* => analytics", "medicion => measurement",
		"medir => measurement", "entren* => ai", "inteligencia artificial => ai", "seguridad => safety",
		"integridad => safety", "fraude => safety", "spam => safety", "fines comerciales => commercial",
		"sus propios fines => own-purposes", "propios fines => own-purposes",
	},
	topics: []topicRule{
		{topic: DataCollection, any: []string{
			"recopil*", "recog*", "recabamos", "recabar", "obtenemos", "recibimos", "informacion que nos proporcion*",
			"nos proporcionas", "nos facilitas", "tratamos", "registramos", "cookies", "direccion ip",
			"identificadores de dispositivo", "informacion de ubicacion", "automaticamente",
		}},
		{topic: Advertising, any: []string{
			"publicidad", "publicitari*", "anuncio*", "anunciante*", "marketing", "promocion*",
			"comunicaciones comerciales", "mercadotecnia",
		}},
		{topic: Retention, any: []string{
			"conserv*", "retencion", "retenemos", "retener", "almacen*", "plazo*", "durante el tiempo",
			"mientras sea necesari*", "periodo de", "ya no sea necesari*", "eliminamos", "copias de seguridad",
		}},
		{topic: UserRights, any: []string{
			"derecho a", "derecho de", "tus derechos", "sus derechos", "ejercer", "acceder a tu", "acceder a sus",
			"acceso a tu", "acceso a sus", "rectific*", "suprim*", "supresion", "eliminar tu cuenta",
			"borrar tu cuenta", "eliminar tus", "portabilidad", "oponerte", "oposicion", "limitar el tratamiento",
			"limitacion del tratamiento", "retirar tu consentimiento", "retirar el consentimiento", "darte de baja",
			"solicitar una copia", "descargar tu", "reclamacion", "presentar una queja", "tus opciones",
			"configuracion", "controlar",
		}},
		{topic: InternationalTransfers, any: []string{
			"transferencias internacionales", "transferencia internacional", "otros paises", "fuera del eee",
			"fuera del espacio economico europeo", "fuera de la region europea", "fuera de tu pais", "estados unidos",
			"clausulas contractuales tipo", "clausulas contractuales estandar", "decisiones de adecuacion",
			"decision de adecuacion", "marco de privacidad de datos", "operaciones globales", "a nivel mundial",
			"todo el mundo",
		}},
		{topic: Security, any: []string{
			"seguridad", "cifrad*", "cifr*", "encript*", "extremo a extremo", "acceso no autorizado",
			"medidas tecnicas", "proteger tu", "proteger la", "integridad", "brecha*", "violacion de seguridad", "no autorizad*",
			"protegemos", "intercept*", "piratas informaticos", "es segur*", "sea segur*",
		}},
		{topic: Children, any: []string{
			"menor*", "nino*", "nina*", "edad minima", "menores de edad", "padres", "tutor*", "adolescente*",
			"anos de edad", "edad de",
		}},
		{topic: AI, any: []string{
			"inteligencia artificial", "ia", "aprendizaje automatico", "ia generativa", "meta ai", "modelos de ia",
			"modelos de lenguaje", "llama", "decisiones automatizadas", "chatbot*",
		}},
		{topic: AI, any: []string{"entren*"}, with: []string{"modelo*", "ia", "algoritmo*"}, window: 8},
		{topic: LegalBasis, any: []string{
			"base legal", "bases legales", "base juridica", "bases juridicas", "base de legitimacion",
			"interes legitimo", "intereses legitimos", "necesidad contractual", "ejecucion de un contrato",
			"ejecucion del contrato", "obligacion legal", "obligaciones legales", "intereses vitales",
			"interes publico", "legitimacion",
		}},
		{topic: PolicyChanges, any: []string{
			"actualiz*", "modific*", "cambi*", "enmiend*",
		}, with: []string{"esta politica", "politica de privacidad", "nuestra politica", "nuestras politicas", "este aviso", "esta declaracion"}, window: 12},
	},
}
