package topics

// spanish is how Spanish policies speak (WhatsApp's Spanish policy says
// "compartimos información con las demás empresas de Meta", "proveedores de
// servicios externos", "no vendemos"): verbs are listed by stem, since
// Spanish conjugates them in many forms.
var spanish = lexicon{
	give: []string{
		"compart*", "revel*", "ced*", "cesion*", "transfer*", "traspas*", "trasfer*",
		"proporcion*", "facilit*", "comunicar", "comunicamos", "comunicaremos", "comunicara*", "comunicad*",
		"comunicacion de datos", "comunicaciones de datos", "divulg*", "entreg*", "suministr*", "intercambi*",
		"envia*", "enviamos", "poner a disposicion", "ponemos a disposicion", "pone a disposicion",
		"dar acceso", "damos acceso", "permitir el acceso", "permitimos el acceso", "permitir acceso",
		"otorg* acceso", "trabajamos con", "trabaja con", "colaboramos con", "colabora con",
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
		"google => named", "facebook => named", "instagram => named", "twitter => named", "microsoft => named",
		"apple => named", "icloud => named", "google drive => named",
	},
	collect: []string{
		"recopil*", "recog*", "recib*", "obtien*", "obten*", "tienen acceso", "tiene acceso", "tendran acceso",
		"acced*", "utiliz* cookies", "usan cookies", "instal* cookies", "rastre*", "registr*", "ven", "veran",
	},
	agent: []string{"por", "a traves de", "mediante"},
	place: []string{"sitio*", "web", "paginas", "enlace*", "politicas", "politica", "practicas"},
	user:  []string{"tu", "usted", "ustedes", "usuario", "usuarios"},
	aux: []string{
		"puedes", "puede", "pueden", "decides", "decide", "eliges", "elige", "quieres", "quiere", "a", "no", "ya",
		"tambien", "optas", "por", "deseas",
	},
	anaphor: []string{"estos terceros", "dichos terceros", "estas empresas", "dichas empresas", "estos proveedores",
		"dichos proveedores", "estos socios"},
	disclose: []string{
		"revelamos", "revelaremos", "revelar", "revelada*", "revelado*", "divulgamos", "divulgar", "divulgada*",
		"divulgado*", "cedemos", "cederemos", "ceder", "cedida*", "cedido*", "compartimos", "compartiremos",
		"compartir", "compartida*", "compartido*", "comunicamos", "comunicaremos",
	},
	choice: []string{
		"oponerte", "oponerse", "excluirte", "darte de baja", "retirar", "solicitar", "solicitud", "derecho a",
		"derechos", "opciones", "preferencias", "limitar",
	},
	accident: []string{"no autorizad*", "accidental*", "brecha*", "violacion de seguridad", "indebid*"},
	be:       []string{"ser", "es", "son", "sera", "seran", "fue", "fueron", "sido", "siendo", "sean", "sea", "se"},
	self:     []string{"nosotros"},
	disclaimer: []string{
		"no somos responsables", "no nos hacemos responsables", "no controlamos", "no tenemos control", "se rigen por",
		"sus propias politicas", "sus propios terminos", "no se aplica",
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
		"pixel de facebook",
	},
	negation: []string{
		"no", "nunca", "jamas", "ni", "tampoco", "ningun", "ninguna", "ninguno", "en ningun caso",
	},
	exception: []string{
		"salvo", "excepto", "a menos que", "a excepcion", "con excepcion", "fuera de", "sin tu consentimiento",
		"sin su consentimiento", "solo", "unicamente",
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
			"medidas tecnicas", "proteger tu", "proteger la", "integridad", "brecha*", "violacion de seguridad",
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
