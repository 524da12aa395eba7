package topics

// english is how English policies speak of sharing and the other topics.
var english = lexicon{
	give: []string{
		"share", "shares", "shared", "sharing",
		"disclose*", "disclosure*",
		"transfer", "transfers", "transferred", "transferring",
		"exchange", "exchanges", "exchanged", "exchanging",
		"pass on", "passes on", "passed on", "pass along", "passed along",
	},
	hand: []string{
		"provide", "provides", "provided", "providing",
		"give", "gives", "given", "giving",
		"make available", "makes available", "made available", "making available",
		"release", "releases", "released", "releasing",
		"furnish*", "supply", "supplies", "supplied", "distribut*", "send", "sends", "sent",
		"report", "reports", "reported", "transmit*", "forward", "forwards", "forwarded", "forwarding",
		"allow access", "give access", "grant access", "provide access", "allow", "allows", "permit", "permits",
		"authorize", "authorizes", "enable", "enables", "work with", "works with", "working with", "partner with",
		"make public", "made public", "made available publicly",
		"make it available", "make it accessible", "make accessible", "made accessible", "makes accessible",
	},
	sell: []string{
		"sell", "sells", "sold", "selling", "sale",
		"rent", "rents", "rented", "renting",
		"lease", "leases", "leased", "leasing",
		"trade", "trades", "traded", "trading",
		"monetize*", "monetise*",
	},
	recipient: []string{
		"third part* => third-parties", "third parties => third-parties",
		"other part* => third-parties", "outside part* => third-parties", "external part* => third-parties",
		"unaffiliated => third-parties", "non affiliated => third-parties", "nonaffiliated => third-parties",
		"other compan* => third-parties", "outside compan* => third-parties", "other organi* => third-parties",
		"other businesses => third-parties", "selected compan* => third-parties",
		"facebook compan* => meta-companies", "meta compan* => meta-companies",
		"facebook family => meta-companies", "family of companies => meta-companies",
		"facebook company products => meta-companies", "meta company products => meta-companies",
		"partner* => partners", "business partner* => partners",
		"advertiser* => advertisers", "ad network* => advertisers", "advertising network* => advertisers",
		"advertising compan* => advertisers", "advertising partner* => advertisers", "marketer* => advertisers",
		"sponsor* => advertisers", "ad server* => advertisers", "ad serving compan* => advertisers",
		"affiliate => affiliates", "affiliates => affiliates", "affiliated compan* => affiliates",
		"affiliated entit* => affiliates", "subsidiar* => affiliates", "parent compan* => affiliates",
		"sister compan* => affiliates", "group compan* => affiliates", "corporate family => affiliates",
		"service provider* => service-providers", "vendor* => service-providers", "contractor* => service-providers",
		"supplier* => service-providers", "processor* => service-providers", "agents => service-providers",
		"analytics provider* => service-providers", "analytics compan* => service-providers",
		"payment processor* => service-providers", "provider* => service-providers",
		"law enforcement => law-enforcement", "police => law-enforcement", "court* => law-enforcement",
		"government* => government", "public authorit* => government", "authorities => government",
		"regulator* => government", "agencies => government", "officials => government",
		"acquirer* => acquirer", "acquiror* => acquirer", "buyer* => acquirer", "purchaser* => acquirer",
		"successor* => acquirer", "acquiring compan* => acquirer", "acquiring entit* => acquirer",
		"data broker* => data-brokers",
		"anyone => others", "others => others", "other persons => others", "other people => others",
		"outside entit* => third-parties", "organizations => third-parties",
		"organisations => third-parties", "consultants => service-providers", "companies => third-parties",
		"firms => third-parties", "the public => public", "publicly => public", "other users => others",
		"facebook => meta-companies", "doubleclick => advertisers",
		// Companies named by their brand: a closed list of the ones
		// policies hand data to most, each its own recipient so that
		// adding one is a new recipient. Meta and Instagram are the Meta
		// Companies, as Facebook is, so that a rename is no new recipient.
		// WhatsApp is left out: it is the service of the policies
		// clausewatch watches most. A name followed by "com", "account"
		// or "play" is a place (see place).
		"meta => meta-companies", "meta's => meta-companies", "meta platforms => meta-companies",
		"instagram => meta-companies", "instagram's => meta-companies",
		"google* => org:Google", "alphabet => org:Google", "youtube => org:Google",
		"amazon => org:Amazon", "amazon's => org:Amazon", "amazon web services => org:Amazon",
		"microsoft* => org:Microsoft", "bing => org:Microsoft", "apple => org:Apple", "apple's => org:Apple",
		"adobe* => org:Adobe", "omniture => org:Adobe", "salesforce* => org:Salesforce", "oracle* => org:Oracle",
		"twitter* => org:Twitter", "linkedin* => org:LinkedIn", "yahoo* => org:Yahoo", "paypal* => org:PayPal",
		"braintree => org:PayPal", "stripe => org:Stripe", "stripe's => org:Stripe", "quantcast* => org:Quantcast",
		"comscore* => org:comScore", "nielsen* => org:Nielsen", "addthis => org:AddThis", "sharethis => org:ShareThis",
		"mailchimp* => org:Mailchimp", "criteo* => org:Criteo", "appnexus => org:AppNexus", "pinterest* => org:Pinterest",
		"snapchat* => org:Snap", "tiktok* => org:TikTok", "experian* => org:Experian", "equifax* => org:Equifax",
		"transunion* => org:TransUnion", "acxiom* => org:Acxiom", "zendesk* => org:Zendesk", "hubspot* => org:HubSpot",
		"marketo* => org:Marketo", "hotjar* => org:Hotjar", "mixpanel* => org:Mixpanel", "twilio* => org:Twilio",
		"sendgrid* => org:SendGrid", "cloudflare* => org:Cloudflare", "akamai* => org:Akamai", "verizon* => org:Verizon",
		"mastercard* => org:Mastercard", "american express => org:American Express",
		"another party => third-parties", "another company => third-parties", "another entity => third-parties",
		"licensor* => partners", "licensee* => partners", "co sponsor* => partners",
		"other entit* => third-parties", "franchisee* => partners", "franchises => partners", "dealer* => partners",
		"distributors => partners", "resellers => partners", "credit bureau* => third-parties",
		"credit reporting agenc* => third-parties", "financial institution* => third-parties", "banks => third-parties",
		"insurers => third-parties", "insurance compan* => third-parties",
	},
	place: []string{
		"site", "sites", "website*", "web site*", "link", "links", "privacy polic*", "polic*", "practices",
		"sign on", "sign in", "login", "log in", "content", "products",
		"com", "account", "accounts", "play", "app store", "store", "maps", "flash",
	},
	aux: []string{
		"may", "can", "choose", "chose", "to", "decide", "elect", "also", "wish", "want", "might", "will", "should",
		"not", "do", "have", "had", "don't", "dont", "never",
	},
	anaphor: []string{
		"they", "these third part*", "such third part*", "these compan*", "such compan*", "these partners",
		"such partners", "these service providers", "such service providers", "these providers", "these vendors",
		"such vendors", "these advertisers", "such advertisers", "these entities", "such entities",
	},
	user: []string{"please", "you", "you're", "users", "user", "visitors", "members", "customers", "children", "child", "kids", "minors", "students", "participants",
		"your friends", "your contacts", "other people", "other members", "other visitors"},
	// company: the words that close a company's name when written with
	// a capital ("Stripe, Inc.", "Meta Platforms Ireland Limited"): the
	// capitalised words before them name a company, a recipient no
	// lexicon can list.
	company: []string{"inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "plc", "llp", "l l c"},
	// article: words that, though capitalised at the start of a
	// sentence, are no part of a company's name ("The Acme Group, Inc.").
	article: []string{"the", "our", "a", "an", "we", "by", "with", "to", "and", "of", "from", "at", "its", "their", "your", "including", "such", "as"},
	disclose: []string{
		"disclose", "discloses", "disclosed", "reveal", "reveals", "revealed",
	},
	choice: []string{
		"opt out", "opt out of", "opted out", "choose not", "choose whether", "chose not", "ask us not", "request that we not",
		"object to", "prevent", "limit", "restrict", "unsubscribe", "stop", "request that", "requests that", "request us", "right to", "rights",
		"ask us", "choices", "preferences", "not want", "don't want", "dont want", "prefer", "no longer wish",
		"block", "disable", "reject", "decline", "refuse", "not accept", "accept or reject", "opting out",
	},
	accident: []string{
		"unauthori*", "inadvertent*", "accidental*", "breach*", "misuse", "unlawful", "unlawfully", "defeat",
		"intercept*", "illegally", "hacker*", "hacking", "malicious*", "eavesdrop*", "theft", "stolen",
	},
	handle: []string{
		"use", "uses", "used", "using", "collect", "collects", "collected", "collecting", "process", "processed",
		"store", "stored", "maintain", "maintained",
	},
	engage: []string{
		"use", "uses", "utilize*", "utilise*", "employ", "employs", "engage", "engages", "engaged", "engaged with",
		"hire", "hires", "hired", "retain", "retains", "retained", "contract with", "contracts with",
		"contracted with", "rely on", "relies on", "relationship with", "relationships with",
	},
	legal: []string{
		"required by law", "requires by law", "law requires", "laws require", "legally required", "required to do so by law",
		"comply with", "compliance with", "legal process*", "legal proceeding*", "legal request*", "legal obligation*",
		"subpoena*", "court order*", "warrant*", "judicial proceeding*", "protect our rights", "protect the rights",
		"protect our legal rights", "enforce our", "investigate", "illegal activit*", "suspected fraud", "prevent fraud",
		"national security", "emergency", "emergencies", "legal rights", "legal claims", "applicable law*", "defend our", "defend the",
	},
	public: []string{
		"display* publicly", "publicly display*", "public display", "made public", "available to everyone", "visible to everyone",
		"made publicly available", "make publicly available", "makes publicly available", "made available publicly",
		"made available to the public", "made accessible to the public", "publicly viewable", "publicly visible",
		"viewable by the public", "visible to the public", "appear publicly", "publish your", "publish the names", "posted publicly", "publicly posted",
	},
	idiom: []string{"look", "looks", "looking", "looked", "local"},
	us:    []string{"us"},
	wish: []string{
		"if you do not want", "if you don't want", "if you dont want", "if you do not wish", "if you don't wish",
		"if you prefer", "if you would prefer", "if you would rather", "if you would like to opt out", "if you wish to opt out",
		"if you no longer wish", "if you no longer want", "to opt out", "you may opt out", "you can opt out",
	},
	noun:  []string{"disclosure*", "sharing", "share", "transfer*"},
	modal: []string{"may", "might", "will", "can", "could", "would", "shall", "must", "won't", "wont"},
	and:   []string{"and", "or", "as well as"},
	cookie: []string{
		"cookie*", "web beacon*", "pixel*", "clear gif*", "tracking technolog*", "technologies", "tags", "scripts",
		"sdk*", "software development kit*", "tracking tools", "beacons", "local storage",
	},
	by: []string{"by", "from", "of", "belonging to", "owned by"},
	onward: []string{
		"share", "shares", "shared", "disclose", "discloses", "disclosed", "forward", "forwards", "forwarded",
		"transmit", "transmits", "transmitted", "transmitting",
	},
	nobody: []string{
		"extent", "another", "other", "hard drive", "computer", "device", "browser", "public", "best", "purpose*", "time",
		"server*", "database*", "internet", "network", "site", "email address*", "e mail address*", "address", "inbox",
		"united states", "european", "eea", "country", "countries", "scope",
	},
	towhom: []string{
		"with the", "with a", "with an", "with that", "with these", "with those", "with such", "with any", "with its",
		"with their", "with one", "with certain", "to the", "to a", "to an", "to that", "to these", "to those", "to such",
		"to any", "to its", "to their", "to one", "to certain",
		"outside the", "outside of", "outside our",
	},
	move: []string{"transfer", "transfers", "transferred", "transferring"},
	abroad: []string{
		"countries", "country", "across borders", "cross border", "jurisdiction*", "united states", "u s",
		"around the world", "globally", "outside the european", "outside the eea", "european union", "overseas",
	},
	secret: []string{"password*", "your pin", "login credentials", "account credentials"},
	toyou:  []string{"to you", "you", "you with", "to users", "to our users", "to visitors"},
	toself: []string{"with us", "to us"},
	frame:  []string{"how", "whether", "knowingly", "describes", "explains"},
	ask:    []string{"whom", "what"},
	be:     []string{"be", "is", "are", "was", "were", "been", "being"},
	self:   []string{"we", "i"},
	disclaimer: []string{
		"not responsible", "no responsibility", "no control", "not control", "nor control", "not apply", "does not cover",
		"do not cover", "not covered", "governed by", "their own privacy", "their respective privacy",
		"encourage you to read", "encourage you to review", "not liable", "beyond our control",
	},
	notice: []string{
		"shine the light => law", "1798 83 => law",
		"request a list", "list of the third parties", "list of third parties", "list of all third parties",
		"list of the categories",
		// The same right in other words, and HIPAA's right to an
		// accounting of disclosures, whose clause goes on to list the
		// disclosures the accounting leaves out.
		"california civil code => law", "accounting of disclosures => law", "accounting of the disclosures => law",
		"accounting of certain disclosures => law", "accounting of any disclosures => law",
		"request information about our disclosure*", "information regarding our disclosure*",
		"information about our disclosure*", "request information regarding", "request certain information",
	},
	collect: []string{
		"collect", "collects", "collected", "collecting", "gather", "gathers", "gathered", "gathering",
		"receive", "receives", "received", "receiving", "obtain", "obtains", "obtained", "obtaining",
		"access", "accesses", "accessed",
		"have access", "has access", "use cookies", "set cookies", "place cookies", "placing cookies",
		"serve cookies", "served cookies", "track*", "set", "use", "uses", "see", "view",
	},
	passive: []string{
		"collected", "gathered", "received", "obtained", "accessed", "tracked", "used", "seen", "viewed",
		"set", "served cookies", "placed cookies",
		// Data handled for the service by someone else: "payments are
		// processed through PayPal", "hosted by our service providers".
		"processed", "hosted", "stored", "handled", "served", "delivered",
	},
	agent: []string{"by", "through", "via"},
	data: []string{
		"information", "data", "personal information", "personal data", "email address*", "e mail address*",
		"names", "lists", "contact information",
	},
	business: []string{
		"merger*", "acquisition*", "acquired", "bankrupt*", "insolvency", "reorgani*", "divestiture*",
		"dissolution", "liquidation", "change of control", "change in control", "corporate transaction*",
		"sale of all", "sale of assets", "sale of some", "sale or transfer", "asset*",
	},
	tracker: []string{
		"third party cookie*", "third party tracking", "third party analytics", "third party pixel*",
		"third party web beacon*",
		"third party plug*", "third party widget*", "third party social plug*", "third party social widget*",
		"google analytics", "doubleclick", "facebook pixel", "social media plug*", "social plug*",
		"social media widget*", "like button*",
		"ad networks", "advertising networks", "retarget*", "remarketing",
		"third party ad server*", "third party ad serving", "third party ad network*", "third party advertising network*",
		"ad serving technolog*",
	},
	negation: []string{
		"not", "never", "no", "don't", "doesn't", "won't", "didn't", "cannot", "can't", "shan't", "wouldn't",
		"will not", "nor", "neither", "none",
		// The same contractions typed without their apostrophe, as
		// policies pasted from plain-text editors often have them.
		"dont", "doesnt", "wont", "didnt", "cant", "wouldnt", "shouldnt", "isnt", "arent",
		"isn't", "aren't", "shouldn't",
	},
	exception: []string{
		"except*", "unless", "other than", "apart from", "aside from", "save", "only", "without your consent",
		"without your permission",
	},
	negAfter: 0,
	purpose: []string{
		"advertis* => advertising", "ads => advertising", "ad => advertising", "marketing => marketing",
		"market => marketing", "promot* => marketing", "personali* => personalization", "customi* => personalization",
		"improve* => improvement", "develop* => development", "research* => research", "analytics => analytics",
		"measure* => measurement", "understand* => analytics", "train* => ai", "artificial intelligence => ai",
		"safety => safety", "security => safety", "integrity => safety", "fraud => safety", "spam => safety",
		"commercial* => commercial", "own purposes => own-purposes", "their own => own-purposes",
	},
	topics: []topicRule{
		{topic: DataCollection, any: []string{
			"we collect", "collect", "collects", "collected", "collecting", "collection", "gather*", "we receive", "we obtain", "information you provide",
			"you provide us", "you give us", "we record", "we log", "automatically receive", "we process",
			"log file*", "cookies", "web beacon*", "device identifier*", "ip address*", "location information",
		}},
		{topic: Advertising, any: []string{
			"advertis*", "ads", "ad", "marketing", "market our", "promotional", "sponsored", "direct marketing",
			"targeted", "retarget*", "remarketing",
		}},
		{topic: Retention, any: []string{
			"retain*", "retention", "as long as", "for as long", "period of time", "storage period",
			"store your", "stored for", "keep your", "kept for", "we keep", "we store", "delete* after",
			"deleted after", "no longer need*", "no longer necessary", "backup copies",
		}},
		{topic: UserRights, any: []string{
			"right to", "your rights", "your right", "rights you have", "exercise your", "access your",
			"rectif*", "correct your", "update your information", "erase*", "erasure", "delete your",
			"deletion", "portab*", "object to", "objection", "opt out", "unsubscribe", "withdraw* your consent",
			"withdraw* consent", "restrict processing", "restrict the processing", "your choices", "choices",
			"manage your", "request a copy", "download your", "lodge a complaint", "complaint with",
			"do not track", "control over",
		}},
		{topic: InternationalTransfers, any: []string{
			"international transfer*", "international data transfer*", "transfer* internationally",
			"other countries", "outside the european", "outside the eea", "outside of the eea",
			"outside your country", "across borders", "cross border", "standard contractual clauses",
			"adequacy decision*", "privacy shield", "data privacy framework", "global operations",
			"shares information globally", "around the world", "countries outside", "united states",
		}},
		{topic: Security, any: []string{
			"secur*", "encrypt*", "end to end", "safeguard*", "unauthori* access", "breach*", "protect your",
			"protect the", "ssl", "tls", "firewall*", "integrity", "safety", "intercept*",
		}},
		{topic: Children, any: []string{
			"child*", "minor*", "under the age", "under age", "teen*", "parent*", "guardian*", "coppa",
			"years of age", "years old", "minimum age", "age of",
		}},
		{topic: AI, any: []string{
			"artificial intelligence", "ai", "machine learning", "generative", "large language model*",
			"language model*", "llama", "meta ai", "automated decision*", "neural", "chatbot*", "ai models",
		}},
		{topic: AI, any: []string{"train*", "model*"}, with: []string{"model*", "ai", "algorithm*", "machine"}, window: 8},
		{topic: LegalBasis, any: []string{
			"legal basis", "legal bases", "lawful basis", "lawful bases", "legitimate interest*",
			"contractual necessity", "performance of a contract", "perform our contract", "legal obligation*",
			"vital interest*", "public interest", "task carried out", "basis for processing",
		}},
		{topic: PolicyChanges, any: []string{
			"change*", "updat*", "amend*", "modif*", "revis*",
		}, with: []string{"this policy", "privacy policy", "our policy", "this statement", "privacy statement", "this notice", "our policies", "this privacy"}, window: 12},
	},
}
