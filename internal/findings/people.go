package findings

import (
	"fmt"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func peopleChecks() []Check {
	return []Check{
		{
			ID:       "people.departed_active",
			Severity: Critical,
			Subject:  KindPerson,
			Title: Text{
				JA: "退職した人のアカウントが有効なままです",
				EN: "A person who has left still has active accounts",
			},
			Explanation: Text{
				JA: "退職日を過ぎた人のアカウントが、まだサインインできる状態で残っています。元従業員が社外から顧客情報や社内資料にアクセスできるうえ、使われていないアカウントは乗っ取られても気づかれにくく、不正アクセスの入口になります。退職者による情報の持ち出しは、内部不正による情報漏えいの典型的な例です。",
				EN: "The accounts of someone whose leave date has passed can still sign in. The former employee can still reach customer data and internal documents from outside, and an account nobody uses can be taken over without anyone noticing, which makes it an entry point for attackers. Data taken by people who have left is a textbook case of insider leaks.",
			},
			Remediation: Text{
				JA: "①根拠に並ぶアカウントを、サービスごとに停止します。Google Workspace は Google 管理コンソールの［ディレクトリ］＞［ユーザー］で対象者を選んで［ユーザーを停止］、Microsoft 365 は Microsoft 365 管理センターの［ユーザー］＞［アクティブなユーザー］で［サインインのブロック］を選びます。②メールやファイルを残す必要があれば、上長などにデータを移してからアカウントを削除します。③本人が知っていた共用のパスワードがあれば変更します。④mamori でアカウントの状態を「停止」または「削除」に更新し、退職手続きのチェックリストに「全サービスのアカウント停止」を加えます。",
				EN: "1. Suspend each account listed as evidence in its service: in Google Workspace, open the Google Admin console, go to Directory > Users, select the person and choose Suspend user; in Microsoft 365, open the Microsoft 365 admin center, go to Users > Active users and choose Block sign-in. 2. If mail or files must be kept, transfer them to a manager first, then delete the accounts. 3. Change any shared password the person knew. 4. Set the accounts' status to suspended or deleted in mamori, and add \"suspend every account\" to your leaver checklist.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runDepartedActive,
		},
		{
			ID:       "people.departed_devices",
			Severity: High,
			Subject:  KindPerson,
			Title: Text{
				JA: "退職した人に貸与した機器が返却されていません",
				EN: "Company equipment is still assigned to a person who has left",
			},
			Explanation: Text{
				JA: "退職日を過ぎた人が利用者として登録された会社の機器が、返却も廃棄もされていません。パソコンやスマートフォンには、メールや顧客情報、サービスに自動でサインインするための情報が残っていることが多く、退職後も社外で使える状態です。",
				EN: "Company devices registered to someone whose leave date has passed have been neither returned nor disposed of. Laptops and phones usually still hold mail, customer data and saved sign-ins to services, so they remain usable outside the company after the person has gone.",
			},
			Remediation: Text{
				JA: "①本人に連絡し、根拠に並ぶ機器を回収します。②回収した機器は、初期化や遠隔消去で会社のデータを消してから再利用するか、消去の記録を残して廃棄します。③回収できない場合は、その機器でサインインしていたサービスのパスワードを変更し、管理コンソールから端末のサインアウトや遠隔消去を実行します。④mamori で機器の利用者を変更するか、廃棄日を記録します。",
				EN: "1. Contact the person and collect the devices listed as evidence. 2. Erase company data (factory reset or remote wipe) before reusing a device, or dispose of it and record the erasure. 3. If a device cannot be collected, change the passwords of the services it was signed in to, and sign it out or wipe it from the admin console. 4. In mamori, assign each device to its new user or record its disposal date.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runDepartedDevices,
		},
		{
			ID:       "people.leaving_soon_admin",
			Severity: Medium,
			Subject:  KindPerson,
			Title: Text{
				JA: "退職予定の人が管理者権限を持っています",
				EN: "A person about to leave holds administrator rights",
			},
			Explanation: Text{
				JA: "30日以内に退職する予定の人が、サービスの管理者権限を持っています。最終日までに権限を引き継がないと、退職後に設定を変えられる人がいなくなるか、退職者が管理者のまま残ります。退職の前後は、データの持ち出しが最も起きやすい時期でもあります。",
				EN: "Someone due to leave within 30 days holds administrator rights in a service. Unless the rights are handed over before the last day, either nobody is left who can change the settings, or the leaver remains an administrator after going. The weeks around a departure are also when data is most often taken.",
			},
			Remediation: Text{
				JA: "①後任の管理者を決め、退職日より前に管理者権限を付与します（Google 管理コンソールは［アカウント］＞［管理者ロール］、Microsoft 365 管理センターは［ロールの割り当て］）。②後任がサインインして操作できることを確かめてから、退職予定者の管理者権限を外します。③退職日までの操作ログ（大量のダウンロードや共有設定の変更）を誰がいつ確認するかを決めます。",
				EN: "1. Choose a successor and give them administrator rights before the leave date (Google Admin console: Account > Admin roles; Microsoft 365 admin center: Role assignments). 2. Once the successor has signed in and confirmed they can work, remove the leaver's administrator rights. 3. Decide who reviews the leaver's activity (mass downloads, sharing changes) until the last day, and when.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runLeavingSoonAdmin,
		},
		{
			ID:       "people.leaver_items_open",
			Severity: High,
			Subject:  KindPerson,
			Title: Text{
				JA: "退職日を過ぎても退職手続きのチェックリストが終わっていません",
				EN: "A leaver's checklist is still open after the leave date",
			},
			Explanation: Text{
				JA: "退職した人のチェックリストに、退職日を過ぎても終わっていない項目が残っています。アカウントの停止、機器の回収、共有の引き継ぎ、鍵や入館証の回収のどれかが残っていると、元従業員が社外から会社の情報に触れられたり、引き継がれないまま消えるデータが出たりします。退職の前後は情報の持ち出しが最も起きやすい時期です。",
				EN: "The checklist of someone who has left still has items open after the leave date. Whether it is an account not yet suspended, a device not collected, a share not handed over, or keys and an entry card not returned, the former employee may still reach company information from outside, or data may be lost because nobody took it over. The weeks around a departure are when data is most often taken.",
			},
			Remediation: Text{
				JA: "①この人のページを開き、チェックリストで未完了の項目を確かめます。②アカウントは各サービスの管理コンソールで停止し、最新のユーザー一覧を mamori に取り込むと項目が自動で完了になります。③機器は回収してデータを消去し、mamori で廃棄日または消去の記録を入力します。④共有は引き継ぐか停止します。⑤鍵や入館証など、データでは確かめられない項目は、済んだら「完了」を押します。不要な項目は理由を書いて「不要」にします。",
				EN: "1. Open the person's page and look at the open items of the checklist. 2. Suspend each account in its service's admin console, then import the latest user list into mamori: the items close on their own. 3. Collect each device, erase it, and record its disposal date or erasure in mamori. 4. Hand over or close each share. 5. For what the data cannot show, such as keys and entry cards, press Done once it is done; mark an item Not needed, with the reason, when it does not apply.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19},
			Threats:   []int{4},
			Run:       runLeaverItemsOpen,
		},
		{
			ID:       "people.no_accounts",
			Severity: Low,
			Subject:  KindPerson,
			Title: Text{
				JA: "アカウントが一つも登録されていない人がいます",
				EN: "A person has no accounts recorded",
			},
			Explanation: Text{
				JA: "在籍している人なのに、どのサービスのアカウントも台帳に登録されていません。実際にはメールやクラウドを使っているはずなので、台帳が不完全な可能性があります。把握していないアカウントは、退職時の停止漏れや権限の付けすぎにつながります。",
				EN: "This person is employed, but no account in any service is recorded for them. They almost certainly use mail or cloud services, so the inventory is probably incomplete, and the accounts nobody knows about are the ones left open when people leave or that keep too many rights.",
			},
			Remediation: Text{
				JA: "①管理コンソールのユーザー一覧（Google 管理コンソールの［ディレクトリ］＞［ユーザー］、Microsoft 365 管理センターの［アクティブなユーザー］）をエクスポートして mamori に取り込みます。②取り込んだアカウントがこの人に紐づいているか確認します。③本当にアカウントを使わない人であれば、この指摘をリスク受容として記録します。",
				EN: "1. Export the user lists from your admin consoles (Google Admin console Directory > Users; Microsoft 365 admin center Active users) and import them into mamori. 2. Check that the imported accounts are linked to this person. 3. If the person really uses no accounts, record this finding as an accepted risk.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runNoAccounts,
		},
	}
}

func runDepartedActive(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		if !x.person[pi].left {
			continue
		}
		var ev []Ref
		for _, ai := range x.accByPerson.of(int32(pi)) {
			if x.acc[ai].active {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		leave := x.person[pi].leave
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail: Text{
				JA: fmt.Sprintf("%sに退職（%d日前）、有効なアカウント%d件", leave.ja(), x.today-leave, len(ev)),
				EN: fmt.Sprintf("left on %s (%d days ago); %d active accounts", leave.en(), x.today-leave, len(ev)),
			},
		})
	}
}

func runDepartedDevices(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		if !x.person[pi].left {
			continue
		}
		var ev []Ref
		for _, di := range x.devByPerson.of(int32(pi)) {
			d := &s.Devices[di]
			if d.Ownership != inventory.BYOD && !s.disposed(d) {
				ev = append(ev, deviceRef(s, di))
			}
		}
		if len(ev) == 0 {
			continue
		}
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail: Text{
				JA: fmt.Sprintf("%sに退職、未返却の機器%d台", x.person[pi].leave.ja(), len(ev)),
				EN: fmt.Sprintf("left on %s; %d devices not returned", x.person[pi].leave.en(), len(ev)),
			},
		})
	}
}

func runLeavingSoonAdmin(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		leave := x.person[pi].leave
		if leave == noDay || leave <= x.today || leave > x.today+30 {
			continue
		}
		var ev []Ref
		for _, ai := range x.accByPerson.of(int32(pi)) {
			if a := &x.acc[ai]; a.active && a.admin {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		emit(Finding{
			Subject:  Ref{KindPerson, s.People[pi].ID},
			Evidence: ev,
			Detail: Text{
				JA: fmt.Sprintf("%sに退職予定（あと%d日）、管理者アカウント%d件", leave.ja(), leave-x.today, len(ev)),
				EN: fmt.Sprintf("leaves on %s (in %d days); %d administrator accounts", leave.en(), leave-x.today, len(ev)),
			},
		})
	}
}

func runLeaverItemsOpen(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	type late struct {
		due day
		n   int
		ev  []Ref
	}
	byPerson := map[int64]*late{}
	var order []int64
	for _, it := range s.LeaverItems {
		due := parseDay(it.Due)
		if due == noDay || due >= x.today {
			continue
		}
		l := byPerson[it.PersonID]
		if l == nil {
			l = &late{due: due}
			byPerson[it.PersonID] = l
			order = append(order, it.PersonID)
		}
		l.n++
		if it.Subject.ID != 0 {
			l.ev = append(l.ev, it.Subject)
		}
	}
	for _, id := range order {
		if x.people.get(id) < 0 {
			continue
		}
		l := byPerson[id]
		emit(Finding{
			Subject:  Ref{KindPerson, id},
			Evidence: l.ev,
			Detail: Text{
				JA: fmt.Sprintf("%sに退職（%d日経過）、未完了の項目%d件", l.due.ja(), x.today-l.due, l.n),
				EN: fmt.Sprintf("left on %s (%d days ago); %d items open", l.due.en(), x.today-l.due, l.n),
			},
		})
	}
}

func runNoAccounts(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	if len(s.Accounts) == 0 {
		return // nothing imported yet: every person would fire, which says nothing
	}
	for pi := range s.People {
		p := &x.person[pi]
		if p.left || (p.join != noDay && p.join > x.today) {
			continue
		}
		if len(x.accByPerson.of(int32(pi))) == 0 {
			emit(Finding{Subject: Ref{KindPerson, s.People[pi].ID}})
		}
	}
}
