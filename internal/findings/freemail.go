package findings

import "strings"

// isFreeMail reports whether a lower-case domain, or a domain it is part
// of (mub.biglobe.ne.jp → biglobe.ne.jp), belongs to a free or personal
// mail provider: the web-mail services, the mobile carriers' mail and the
// consumer ISPs common in Japan, and the big international ones. A company
// account on such an address is out of the company's control: it cannot
// be suspended when the person leaves, and password resets go to a private
// mailbox.
func isFreeMail(domain string) bool {
	for {
		if freeMailDomain(domain) {
			return true
		}
		i := strings.IndexByte(domain, '.')
		if i < 0 {
			return false
		}
		domain = domain[i+1:]
		if strings.IndexByte(domain, '.') < 0 {
			return false // only the top-level domain is left
		}
	}
}

// freeMailDomain is the list itself; a switch compiles to a search without
// any allocation or map.
func freeMailDomain(d string) bool {
	switch d {
	case
		// Web mail.
		"gmail.com", "googlemail.com",
		"yahoo.co.jp", "ymail.ne.jp", "yahoo.ne.jp", "yahoo.com",
		"outlook.jp", "outlook.com", "hotmail.com", "hotmail.co.jp", "live.jp", "live.com", "msn.com",
		"icloud.com", "me.com", "mac.com",
		"aol.com", "aol.jp", "gmx.com", "gmx.net", "mail.com", "proton.me", "protonmail.com", "pm.me",
		"zoho.com", "yandex.com", "yandex.ru", "qq.com", "163.com", "126.com", "naver.com", "hanmail.net", "daum.net",
		"excite.co.jp", "infoseek.jp", "goo.jp", "mail.goo.ne.jp", "livedoor.com", "rakuten.jp",
		// Mobile carriers.
		"docomo.ne.jp", "mopera.net", "dwmail.jp",
		"ezweb.ne.jp", "au.com", "uqmobile.jp",
		"softbank.ne.jp", "i.softbank.jp", "disney.ne.jp", "ymobile.ne.jp", "y-mobile.ne.jp", "emobile.ne.jp",
		"willcom.com", "pdx.ne.jp", "rakumail.jp",
		// Consumer internet providers.
		"ybb.ne.jp", "nifty.com", "nifty.ne.jp", "biglobe.ne.jp", "so-net.ne.jp", "ocn.ne.jp",
		"plala.or.jp", "dion.ne.jp", "odn.ne.jp", "zaq.ne.jp", "eonet.ne.jp", "jcom.home.ne.jp",
		"commufa.jp", "bbexcite.jp", "asahi-net.or.jp", "tcn.ne.jp", "kcn.ne.jp", "wakwak.com",
		"hi-ho.ne.jp", "enjoy.ne.jp", "spacelan.ne.jp", "home.ne.jp", "vesta.ocn.ne.jp", "sky.plala.or.jp":
		return true
	}
	return false
}
