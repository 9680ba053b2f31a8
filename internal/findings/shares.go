package findings

// The checks on shares run over every share of the company, a million for
// a large tenant, so they walk the compact rows Prepare keeps for shares
// that reach outside the company, test the cheapest condition first, and
// allocate only for what they report.
//
// The first five checks grade one question — who can open what — and fire
// at most once per share, for the gravest case: sensitive data outside
// (special_external), important data open to anyone (open_important), any
// data open to anyone (anyone_link, public), important data with named
// outsiders (external_important).

func shareChecks() []Check {
	checks := []Check{
		{
			ID:       "shares.anyone_link",
			Severity: High,
			Subject:  KindShare,
			Title: Text{
				JA: "「リンクを知っている全員」が開ける共有があります",
				EN: "A share is open to anyone with the link",
			},
			Explanation: Text{
				JA: "このファイルやフォルダは、リンク（URL）を知っていれば、社外の誰でもサインインせずに開ける設定です。リンクが転送されたりチャットに貼られたりすると、意図しない相手に届いても分かりません。顧問税理士とのやり取りに使っていたクラウドの共有がこの設定になっていて、自社の資料が他社から見られる状態になっていた事例もあります。",
				EN: "Anyone who has the link (URL) to this file or folder can open it without signing in. If the link is forwarded or pasted into a chat, it reaches people it was never meant for, and nobody can tell. In one real case, cloud storage used to exchange files with the company's tax accountant was shared this way, and the company's documents became visible to another firm.",
			},
			Remediation: Text{
				JA: "①共有した人に、このリンクがまだ必要か確認します。②不要なら共有を解除し、必要なら相手を指定した共有に切り替えて有効期限を設定します（Google ドライブは［共有］の［一般的なアクセス］を［制限付き］に、OneDrive や SharePoint は［アクセス許可の管理］でリンクを変更）。③管理画面で、「リンクを知っている全員」への共有を禁止するか、有効期限を必須にします。",
				EN: "1. Ask the person who shared it whether the link is still needed. 2. If not, remove it; if so, switch to sharing with named people and set an expiry date (Google Drive: in Share, set General access to Restricted; OneDrive and SharePoint: change the link in Manage access). 3. In the admin console, turn off anyone-with-the-link sharing or make expiry dates mandatory for it.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      anyoneLink(),
		},
		{
			ID:       "shares.departed_owner",
			Severity: Medium,
			Subject:  KindShare,
			Title: Text{
				JA: "退職した人が作った社外への共有が残っています",
				EN: "An outside share belongs to a person who has left",
			},
			Explanation: Text{
				JA: "社外に向けた共有の持ち主が、すでに退職しています。共有の目的や相手を知る人が社内にいないため、不要になっても誰も解除せず、退職者のアカウントを削除したときにはファイルごと消えてしまうこともあります。",
				EN: "The owner of a share reaching outside the company has left. Nobody in the company knows what it was for or who it was shared with, so it is never closed — and when the leaver's account is deleted, the files may disappear with it.",
			},
			Remediation: Text{
				JA: "①後任者や上長に、この共有の目的と相手を確認します。②必要な共有であれば、ファイルの所有権を後任者に移してから（Google 管理コンソールの［データの移行］、OneDrive では上長へのアクセス権の付与）、共有を設定し直します。③不要であれば共有を解除します。",
				EN: "1. Ask the successor or the manager what the share was for and who it was with. 2. If it is still needed, transfer ownership of the files to the successor (Google Admin console data transfer; OneDrive access for the manager) and set the sharing up again. 3. If not, remove the sharing.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4, 10},
			rows:      departedOwner(),
		},
		{
			ID:       "shares.external_edit",
			Severity: Medium,
			Subject:  KindShare,
			Title: Text{
				JA: "社外の人に編集を許している共有があります",
				EN: "Outsiders can edit a shared file or folder",
			},
			Explanation: Text{
				JA: "社外の人や、リンクを知っている人が、ファイルやフォルダを編集できる設定です。内容を書き換えられたり、削除されたり、ウイルスを含むファイルを置かれたりしても、社内の人は本物だと思って使ってしまいます。閲覧だけで足りる相手に、編集の権限は必要ありません。",
				EN: "People outside the company, or anyone with the link, can edit this file or folder. Content can be altered or deleted, or files carrying malware dropped in, and staff will keep trusting them as genuine. People who only need to read should not be able to edit.",
			},
			Remediation: Text{
				JA: "①共有した人に、相手が本当に編集する必要があるか確認します。②必要なければ権限を「閲覧者」に変更します。③共同で作業する場合は、相手を個人で指定し、有効期限を設定して、作業が終わったら権限を外します。",
				EN: "1. Ask the person who shared it whether the recipients really need to edit. 2. If not, change their access to viewer. 3. Where joint work is needed, name the individuals, set an expiry date, and remove their access when the work is done.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{2, 10},
			rows:      externalEdit(),
		},
		{
			ID:       "shares.external_important",
			Severity: High,
			Subject:  KindShare,
			Title: Text{
				JA: "重要な情報が社外の人やドメインと共有されています",
				EN: "Highly important information is shared with outside people or domains",
			},
			Explanation: Text{
				JA: "重要度3（個人情報を含むものなど）またはデータ区分レベル3の情報資産が、社外の特定の人や、取引先のドメイン全体と共有されています。相手の端末やアカウントの管理状態は自社からは見えず、相手側での誤送信やアカウントの乗っ取り、用が済んだ後の放置から漏えいします。委託先や取引先を経由した被害も増えています。",
				EN: "An information asset of importance 3 (for example, one with personal data) or data level 3 is shared with particular outside people or with a partner's whole domain. How the other side manages its devices and accounts is invisible to you: a mis-sent mail, a hijacked account or a share nobody closed after the project can leak it, and attacks through contractors and suppliers are on the rise.",
			},
			Remediation: Text{
				JA: "①共有した人に、共有の相手と目的を確認し、今も必要か判断します。②不要なら相手を共有から外します。③必要なら、ドメイン全体ではなく担当者個人を指定し、閲覧のみで有効期限付きにします。④個人情報を渡す相手とは、取り扱いに関する契約（委託契約や秘密保持契約）があるか確認します。",
				EN: "1. Ask the person who shared it who the recipients are and whether they still need it. 2. If not, remove them. 3. If so, share with named individuals rather than a whole domain, view-only and with an expiry date. 4. Make sure a contract covering the handling of the data (an outsourcing or non-disclosure agreement) is in place with anyone receiving personal data.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 10},
			rows:      externalImportant(),
		},
		{
			ID:       "shares.mynumber_org_wide",
			Severity: Medium,
			Subject:  KindShare,
			Title: Text{
				JA: "マイナンバーを含む情報が全社に共有されています",
				EN: "My Number data is shared with the whole company",
			},
			Explanation: Text{
				JA: "マイナンバー（特定個人情報）を含む情報資産が、社内の全員がアクセスできる範囲で共有されています。マイナンバーは、番号法とそのガイドラインにより、事務を担当する人に限って取り扱うことが求められています。担当者以外も見られる状態では閲覧や持ち出しを防げず、退職者や乗っ取られたアカウントから漏えいするおそれもあります。",
				EN: "An information asset with My Number data is shared with everyone in the company. The My Number Act and its guidelines require that only the staff who handle the related paperwork can access it; visible to everyone, it cannot be protected from casual viewing or copying, and any departed or hijacked account becomes a way for it to leak.",
			},
			Remediation: Text{
				JA: "①マイナンバーを扱う担当者を決めます。②共有の範囲を担当者だけに変更します（Google ドライブは［共有］で組織全体へのアクセスを削除、SharePoint はサイトやフォルダのアクセス許可を見直し）。③担当者以外が過去にアクセスしていないか、監査ログで確認します。",
				EN: "1. Decide which staff handle My Number data. 2. Restrict the share to them (Google Drive: remove organisation-wide access in Share; SharePoint: review the site's or folder's permissions). 3. Check the audit log for past access by anyone else.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runMyNumberOrgWide,
		},
		{
			ID:       "shares.no_expiry",
			Severity: Medium,
			Subject:  KindShare,
			Title: Text{
				JA: "有効期限のない社外への共有が90日以上続いています",
				EN: "An outside share without an expiry date has been open for over 90 days",
			},
			Explanation: Text{
				JA: "社外に向けた共有に有効期限が設定されておらず、作成から90日以上たっています。期限のない共有は、プロジェクトや取引が終わっても開いたままになり、担当者も忘れたころまで情報が見られる状態が続きます。",
				EN: "A share reaching outside the company has no expiry date and was created more than 90 days ago. Shares without an expiry stay open after the project or the business relationship ends, and the information stays reachable long after everyone has forgotten about it.",
			},
			Remediation: Text{
				JA: "①共有した人に、この共有がまだ必要か確認します。②不要なら解除し、必要なら有効期限を設定します（Google ドライブは共有相手ごとに［有効期限を追加］、OneDrive や SharePoint はリンクの設定で有効期限を指定）。③管理画面で、社外への共有やリンクに既定の有効期限を設定します。",
				EN: "1. Ask the person who shared it whether it is still needed. 2. If not, remove it; if so, set an expiry date (Google Drive: Add expiration for each person; OneDrive and SharePoint: set an expiry in the link settings). 3. In the admin console, set a default expiry for external shares and links.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      noExpiry(),
		},
		{
			ID:       "shares.not_reviewed",
			Severity: Low,
			Subject:  KindShare,
			Title: Text{
				JA: "180日以上見直されていない社外への共有があります",
				EN: "An outside share has not been reviewed for 180 days",
			},
			Explanation: Text{
				JA: "有効期限は設定されているものの、社外に向けた共有が180日以上（または作成してから一度も）見直されていません。期限が先まで続く共有でも、相手や必要性は時間とともに変わるため、定期的に棚卸ししなければ不要な共有が積み重なっていきます。期限のない共有は、別の指摘（有効期限のない社外への共有）で扱います。",
				EN: "A share reaching outside the company has an expiry date but has not been reviewed for 180 days or more (or never since it was created). Even with an expiry far ahead, who needs access changes over time, and without a regular review unneeded shares keep piling up. Shares with no expiry at all are covered by their own finding.",
			},
			Remediation: Text{
				JA: "①共有した人に、相手と必要性を確認します。②不要なら解除し、必要なら権限と有効期限を見直します。③確認した日を、mamori の共有の「最終見直し日」に記録します。毎月の定例作業として社外への共有の一覧を確認すると効果的です。",
				EN: "1. Ask the person who shared it who it is with and whether it is still needed. 2. Remove it if not; otherwise review its permission and expiry. 3. Record the date in the share's last-reviewed field in mamori. Reviewing the list of external shares every month works well.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      notReviewed(),
		},
		{
			ID:       "shares.open_important",
			Severity: Critical,
			Subject:  KindShare,
			Title: Text{
				JA: "重要な情報が「リンクを知っている全員」または一般公開で共有されています",
				EN: "Highly important information is open to anyone with the link or to the public",
			},
			Explanation: Text{
				JA: "重要度3（個人情報を含むものなど）またはデータ区分レベル3の情報資産が、リンクを知っていれば誰でも開ける設定か、検索で見つけられる一般公開の設定になっています。リンクはメールの転送やチャットへの貼り付けで簡単に広がり、一度広がると誰が見たのか分かりません。顧客の個人情報であれば、漏えいとして報告が必要になることもあります。",
				EN: "An information asset of importance 3 (for example, one with personal data) or data level 3 is shared so that anyone with the link can open it, or it is public and findable. Links spread easily through forwarded mail and chat, and once they do, nobody can tell who has looked; if customers' personal data is involved, it may have to be reported as a leak.",
			},
			Remediation: Text{
				JA: "①共有の範囲を、必要な人だけを指定した共有に変更します（Google ドライブは［共有］の［一般的なアクセス］を［制限付き］に、OneDrive や SharePoint は［アクセス許可の管理］でリンクを削除）。②社外の人に必要であれば、相手を指定し、有効期限を設定して共有し直します。③管理画面で、組織の既定の共有範囲を社内のみにし、「リンクを知っている全員」への共有を禁止するか期限付きにします。④公開されていた間のアクセスを監査ログで確認します。",
				EN: "1. Change the sharing to named people only (Google Drive: in Share, set General access to Restricted; OneDrive and SharePoint: remove the link in Manage access). 2. If outsiders need it, share it again with the named people and an expiry date. 3. In the admin console, make organisation-only the default sharing scope, and turn off anyone-with-the-link sharing or give it an expiry. 4. Check the audit log for access while it was open.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      openImportant(),
		},
		{
			ID:       "shares.owner_unknown",
			Severity: Low,
			Subject:  KindShare,
			Title: Text{
				JA: "持ち主が分からない社外への共有があります",
				EN: "The owner of an outside share is unknown",
			},
			Explanation: Text{
				JA: "社外に向けた共有の持ち主が、台帳のどの人とも一致しません。誰が何のために共有したのか分からなければ、必要かどうかの判断も、解除もできません。",
				EN: "The owner of a share reaching outside the company matches nobody in the inventory. Without knowing who shared it and why, nobody can decide whether it is needed or close it.",
			},
			Remediation: Text{
				JA: "①サービスの管理画面で、このファイルやフォルダの所有者を確認します。②所有者が社内の人であれば、mamori の人の台帳のメールアドレスと一致しているか確かめ、違っていれば修正します。③所有者が分からなければ共有を解除し、問い合わせがあれば設定し直します。",
				EN: "1. Look up the file's or folder's owner in the service's admin console. 2. If it is someone in the company, make sure their e-mail in mamori's people list matches, and correct it if not. 3. If the owner cannot be found, remove the sharing, and set it up again if someone asks for it.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			rows:      ownerUnknown(),
		},
		{
			ID:       "shares.public",
			Severity: High,
			Subject:  KindShare,
			Title: Text{
				JA: "インターネットで検索できる一般公開の共有があります",
				EN: "A share is public on the web",
			},
			Explanation: Text{
				JA: "このファイルやフォルダは一般公開の設定で、リンクを知らない人でも検索エンジンなどから見つけられます。社内向けの資料が検索結果に表示され、誰でも読める状態になっているおそれがあります。",
				EN: "This file or folder is public: people can find it through search engines without ever being sent the link, so internal documents may be turning up in search results for anyone to read.",
			},
			Remediation: Text{
				JA: "①本当に公開が必要な資料か確認します（会社案内などの公開資料であれば、ウェブサイトに掲載する方法に切り替えます）。②不要なら一般公開を解除し、必要な人だけを指定して共有し直します。③管理画面で、一般公開での共有を禁止します。",
				EN: "1. Check whether it really has to be public (for published material such as a company brochure, put it on the website instead). 2. If not, remove public access and share it again with named people only. 3. In the admin console, turn off public sharing.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{10},
			rows:      public(),
		},
		{
			ID:       "shares.special_external",
			Severity: Critical,
			Subject:  KindShare,
			Title: Text{
				JA: "マイナンバーや要配慮個人情報が社外と共有されています",
				EN: "My Number or sensitive personal data is shared outside the company",
			},
			Explanation: Text{
				JA: "マイナンバーや要配慮個人情報（健康診断の結果や病歴など）を含む情報資産が、社外の人やドメイン、リンクを知っている人と共有されています。これらは法律で特に厳しい取り扱いが求められ、要配慮個人情報の漏えいは1人分でも個人情報保護委員会への報告と本人への通知が必要です。マイナンバーを提供できるのは、法律で認められた場合に限られます。",
				EN: "An information asset with My Number or sensitive personal data (health check results, medical history and the like) is shared with outside people, an outside domain, or anyone with the link. The law demands the strictest handling for these: a leak of sensitive data must be reported to the Personal Information Protection Commission and the person notified even if only one person is affected, and My Number data may only be provided in the cases the My Number Act allows.",
			},
			Remediation: Text{
				JA: "①すぐに共有を解除し、社内の担当者だけが開ける状態にします（Google ドライブは［共有］で社外のユーザーとリンクでの共有を削除、OneDrive や SharePoint は［アクセス許可の管理］でリンクとユーザーを削除）。②相手に渡す必要がある場合は、委託契約などの根拠を確かめたうえで、期限とパスワードを設定した方法に限ります。③共有されていた間に誰が開いたかを監査ログで確認し、社外の人による閲覧があれば、インシデントとして報告が必要かどうかを判断します。",
				EN: "1. Remove the sharing at once so that only the staff in charge can open it (Google Drive: in Share, remove outside users and link sharing; OneDrive and SharePoint: remove the links and people in Manage access). 2. If the other party truly needs the data, first confirm the legal basis such as an outsourcing contract, then use only an expiring, password-protected method. 3. Check the audit log for who opened it while it was shared; if outsiders did, treat it as an incident and decide whether it must be reported.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 10},
			rows:      specialExternal(),
		},
	}
	for i := range checks {
		if rc := checks[i].rows; rc != nil {
			checks[i].Run = rc.run
		}
	}
	return checks
}

// rowCheck is the shape of the checks over the rows of shares that reach
// outside the company: a cheap test, and the finding for a row that passes
// it. Run walks the rows once; Evaluate, which needs these checks' findings
// most, counts the matches first and then builds each finding straight
// into its place in the result, so that the largest outputs are neither
// grown nor copied.
type rowCheck struct {
	match func(s *Snapshot, r *shareRow) bool
	// builder starts one pass: the function it returns makes the finding
	// for a matching row, keeping what the pass shares (evidence blocks,
	// detail texts).
	builder func(s *Snapshot) func(r *shareRow) Finding
}

func (rc *rowCheck) run(s *Snapshot, emit func(Finding)) {
	build := rc.builder(s)
	for i := range s.ix.ext {
		if r := &s.ix.ext[i]; rc.match(s, r) {
			emit(build(r))
		}
	}
}

func (rc *rowCheck) count(s *Snapshot) int {
	n := 0
	for i := range s.ix.ext {
		if rc.match(s, &s.ix.ext[i]) {
			n++
		}
	}
	return n
}

// fill writes the findings of check id into out, which has exactly the
// room count found.
func (rc *rowCheck) fill(s *Snapshot, id string, out []Finding) {
	build := rc.builder(s)
	n := 0
	for i := range s.ix.ext {
		if r := &s.ix.ext[i]; rc.match(s, r) {
			f := build(r)
			f.CheckID = id
			out[n] = f
			n++
		}
	}
	if n != len(out) {
		panic("findings: " + id + " matched a different number of shares on the second pass")
	}
}

// refArena hands out short evidence lists carved from larger blocks, so
// that a check reporting a hundred thousand shares makes a few dozen
// allocations instead of a hundred thousand.
type refArena struct{ buf []Ref }

func (a *refArena) list(refs ...Ref) []Ref {
	if len(refs) == 0 {
		return nil
	}
	if cap(a.buf)-len(a.buf) < len(refs) {
		a.buf = make([]Ref, 0, 4096)
	}
	n := len(a.buf)
	a.buf = append(a.buf, refs...)
	return a.buf[n:len(a.buf):len(a.buf)]
}

// withAsset is the builder of most share checks: the share, with the
// information asset it holds as evidence when known.
func withAsset(s *Snapshot) func(r *shareRow) Finding {
	var arena refArena
	return func(r *shareRow) Finding {
		f := Finding{Subject: Ref{KindShare, r.id}}
		if r.asset >= 0 {
			f.Evidence = arena.list(assetRef(s, r.asset))
		}
		return f
	}
}

// grade is the class of a share's asset: 0 unknown or ordinary, 1
// important, 2 special (My Number or 要配慮).
func (s *Snapshot) grade(r *shareRow) int {
	if r.asset < 0 {
		return 0
	}
	switch a := &s.ix.asset[r.asset]; {
	case a.special:
		return 2
	case a.important:
		return 1
	}
	return 0
}

func openScope(sc scope) bool { return sc == scopeAnyone || sc == scopePublic }

func specialExternal() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.asset >= 0 && s.grade(r) == 2 },
		builder: withAsset,
	}
}

func openImportant() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return openScope(r.scope) && r.asset >= 0 && s.grade(r) == 1 },
		builder: withAsset,
	}
}

func anyoneLink() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.scope == scopeAnyone && s.grade(r) == 0 },
		builder: withAsset,
	}
}

func public() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.scope == scopePublic && s.grade(r) == 0 },
		builder: withAsset,
	}
}

func externalImportant() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return !openScope(r.scope) && r.asset >= 0 && s.grade(r) == 1 },
		builder: withAsset,
	}
}

func noExpiry() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool {
			return !r.hasExpiry && r.created != noDay && s.ix.today-r.created > 90
		},
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			base := withAsset(s)
			created := newSince("作成", "it was created", s.ix.today)
			return func(r *shareRow) Finding {
				f := base(r)
				f.Detail = created.get(r.created)
				return f
			}
		},
	}
}

func externalEdit() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.edit },
		builder: withAsset,
	}
}

func departedOwner() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool { return s.personLeft(r.owner) },
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			var arena refArena
			return func(r *shareRow) Finding {
				f := Finding{Subject: Ref{KindShare, r.id}}
				if r.asset >= 0 {
					f.Evidence = arena.list(personRef(s, r.owner), assetRef(s, r.asset))
				} else {
					f.Evidence = arena.list(personRef(s, r.owner))
				}
				return f
			}
		},
	}
}

// notReviewed covers shares with an expiry: shares.no_expiry reports the
// others, and its fix is the same review.
func notReviewed() *rowCheck {
	return &rowCheck{
		match: func(s *Snapshot, r *shareRow) bool {
			switch {
			case !r.hasExpiry:
				return false
			case r.reviewed != noDay:
				return s.ix.today-r.reviewed > 180
			case r.created != noDay:
				return s.ix.today-r.created > 180
			}
			return false // neither date known: nothing to measure
		},
		builder: func(s *Snapshot) func(r *shareRow) Finding {
			base := withAsset(s)
			reviewed := newSince("最終見直し", "the last review", s.ix.today)
			never := newSince("作成", "it was created", s.ix.today).tail("、見直しの記録なし", "; never reviewed")
			return func(r *shareRow) Finding {
				f := base(r)
				if r.reviewed != noDay {
					f.Detail = reviewed.get(r.reviewed)
				} else {
					f.Detail = never.get(r.created)
				}
				return f
			}
		},
	}
}

func ownerUnknown() *rowCheck {
	return &rowCheck{
		match:   func(s *Snapshot, r *shareRow) bool { return r.owner < 0 },
		builder: withAsset,
	}
}

func runMyNumberOrgWide(s *Snapshot, emit func(Finding)) {
	for _, i := range s.ix.orgMyNumber {
		sh := &s.Shares[i]
		emit(Finding{
			Subject:  Ref{KindShare, sh.ID},
			Evidence: []Ref{{KindAsset, sh.AssetID}},
		})
	}
}
