package findings

import (
	"fmt"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func accountChecks() []Check {
	return []Check{
		{
			ID:       "accounts.access_expired",
			Severity: High,
			Subject:  KindAccount,
			Title: Text{
				JA: "利用終了日を過ぎたアカウントが有効なままです",
				EN: "An account is still active after its end date",
			},
			Explanation: Text{
				JA: "ゲストや取引先、業務委託先などのために作ったアカウントが、決めておいた利用終了日を過ぎてもサインインできる状態です。プロジェクトや契約が終わった後も社外の人が社内のファイルやチャットを見られるうえ、相手側の管理が甘ければ、そこから不正アクセスを受けます。",
				EN: "An account created for a guest, a partner or a contractor can still sign in after the end date set for it. People outside the company keep seeing internal files and chats after the project or contract has ended, and if their side is poorly managed, attackers can come in through it.",
			},
			Remediation: Text{
				JA: "①社内の担当者に、このアクセスがまだ必要か確認します。②不要なら、サービスの管理画面でアカウントを停止または削除し、招待していた共有フォルダやチームからも外します（Microsoft 365 は Microsoft Entra 管理センターの［ユーザー］でゲストを削除、Google ドライブは共有設定で相手を削除）。③延長が必要なら、新しい終了日を mamori に記録します。",
				EN: "1. Ask the person in charge whether this access is still needed. 2. If not, suspend or delete the account in the service's admin console and remove it from the shared folders and teams it was invited to (Microsoft 365: delete the guest under Users in the Microsoft Entra admin center; Google Drive: remove the person in the sharing settings). 3. If access must continue, record the new end date in mamori.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 4},
			Run:       runAccessExpired,
		},
		{
			ID:       "accounts.admin_freemail",
			Severity: High,
			Subject:  KindAccount,
			Title: Text{
				JA: "管理者アカウントがフリーメールや個人のアドレスで登録されています",
				EN: "An administrator account uses a free or personal e-mail address",
			},
			Explanation: Text{
				JA: "管理者権限を持つアカウントが、Gmail や携帯電話会社のメールなど、会社が管理できない個人向けのアドレスで登録されています。会社はこのアドレスを停止することもパスワードを再設定することもできないため、本人が退職したり個人のメールが乗っ取られたりすると、管理者権限ごと会社の手を離れます。",
				EN: "An account with administrator rights is registered to an address the company does not control, such as Gmail or mobile-carrier mail. The company can neither suspend that mailbox nor reset its password, so when the person leaves or their private mail is taken over, the administrator rights leave the company's hands with it.",
			},
			Remediation: Text{
				JA: "①会社のドメインのアドレスで管理者アカウントを作るか、既存の会社のアカウントに管理者権限を付与します。②新しい管理者でサインインできることを確かめてから、フリーメールのアカウントの管理者権限を外し、不要なら削除します。③サービスの契約者情報やパスワード再設定用の連絡先も、会社のアドレスに変更します。",
				EN: "1. Create an administrator account on a company-domain address, or give administrator rights to an existing company account. 2. After confirming the new administrator can sign in, remove the rights from the free-mail account and delete it if it is no longer needed. 3. Move the service's billing contact and password-recovery address to a company address as well.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 9},
			Run:       runAdminFreemail,
		},
		{
			ID:       "accounts.admin_mfa_unknown",
			Severity: Medium,
			Subject:  KindAccount,
			Needs:    []string{"account.mfa"},
			Title: Text{
				JA: "管理者アカウントの多要素認証の設定状況が分かりません",
				EN: "It is unknown whether an administrator account uses multi-factor authentication",
			},
			Explanation: Text{
				JA: "管理者権限を持つアカウントについて、多要素認証を使っているかどうかが記録されていません。分からないままでは安全とは言えず、もし未設定なら、パスワードが一つ漏れるだけでサービス全体が乗っ取られます。確認できるまで、mamori はこの項目を合格として扱いません。",
				EN: "Whether this administrator account uses multi-factor authentication has not been recorded. Unknown is not safe: if it is not set up, one leaked password gives away the whole service. mamori does not count this as a pass until it has been checked.",
			},
			Remediation: Text{
				JA: "①管理画面で確認します。Google Workspace は Google 管理コンソールの［ディレクトリ］＞［ユーザー］にある2段階認証プロセスの列、Microsoft 365 は Microsoft Entra 管理センターの［認証方法］＞［ユーザー登録の詳細］で確認できます（後者はライセンスによっては表示されません）。②結果を mamori に記録し、未設定であればすぐに登録してもらいます。",
				EN: "1. Check it in the admin console: in Google Workspace, the 2-step verification column of Directory > Users in the Google Admin console; in Microsoft 365, Authentication methods > User registration details in the Microsoft Entra admin center (this report may need a Microsoft Entra ID P1 licence). 2. Record the answer in mamori, and if multi-factor authentication is off, have it registered right away.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 5},
			Run:       runAdminMFAUnknown,
		},
		{
			ID:       "accounts.admin_no_mfa",
			Severity: Critical,
			Subject:  KindAccount,
			Title: Text{
				JA: "管理者アカウントに多要素認証が設定されていません",
				EN: "An administrator account has no multi-factor authentication",
			},
			Explanation: Text{
				JA: "管理者権限を持つアカウントが、パスワードだけでサインインできる状態です。フィッシングや使い回しでパスワードが漏れると、攻撃者がサービスのすべてのデータと設定を握り、全員のアカウントの乗っ取りやデータの削除、ランサム攻撃の足がかりに使われます。",
				EN: "An account with administrator rights signs in with a password alone. If the password leaks through phishing or reuse, an attacker controls every setting and every piece of data in the service: they can take over everyone's accounts, delete data, or use it as the foothold for a ransomware attack.",
			},
			Remediation: Text{
				JA: "①管理者本人に、認証アプリやセキュリティキーによる多要素認証（2段階認証）を登録してもらいます。②管理者には多要素認証を必須にします（Google Workspace は Google 管理コンソールの［セキュリティ］＞［認証］＞［2段階認証プロセス］、Microsoft 365 は Microsoft Entra 管理センターのセキュリティの既定値群または条件付きアクセス）。③登録が済んだら、mamori でアカウントの多要素認証を「有効」に更新します。",
				EN: "1. Have the administrator register multi-factor authentication (two-step verification) with an authenticator app or a security key. 2. Make it mandatory for administrators: in Google Workspace, Google Admin console Security > Authentication > 2-Step Verification; in Microsoft 365, security defaults or Conditional Access in the Microsoft Entra admin center. 3. Once done, set the account's multi-factor authentication to \"on\" in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 5},
			Run:       runAdminNoMFA,
		},
		{
			ID:       "accounts.dormant",
			Severity: Medium,
			Subject:  KindAccount,
			Needs:    []string{"account.last_login"},
			Title: Text{
				JA: "90日以上使われていないアカウントが有効なままです",
				EN: "An account unused for 90 days or more is still active",
			},
			Explanation: Text{
				JA: "最終サインインから90日以上たっているのに、アカウントが有効なままです。使われていないアカウントは、乗っ取られても本人が気づかないため、攻撃者に長く悪用されます。異動や退職の手続き漏れで残っていることもあります。",
				EN: "The account has not signed in for 90 days or more but is still active. An unused account can be taken over without its owner noticing and then misused for a long time, and it is often a leftover from a missed transfer or departure.",
			},
			Remediation: Text{
				JA: "①本人と上長に、このアカウントがまだ必要か確認します。②不要なら停止し、しばらく問題がなければ削除します。有料のサービスならライセンス費用の節約にもなります。③必要なら本人にサインインしてもらい、多要素認証が有効になっているか確かめます。",
				EN: "1. Ask the user and their manager whether the account is still needed. 2. If not, suspend it, and delete it once you are sure nothing depends on it; on paid services this also saves a licence. 3. If it is needed, have the user sign in and confirm that multi-factor authentication is on.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runDormant,
		},
		{
			ID:       "accounts.duplicate",
			Severity: Low,
			Subject:  KindAccount,
			Title: Text{
				JA: "同じ人が一つのサービスに複数のアカウントを持っています",
				EN: "One person has several accounts in the same service",
			},
			Explanation: Text{
				JA: "同じ人の個人アカウントが、一つのサービスに二つ以上、有効なまま登録されています。使わなくなった方のアカウントは管理の目が届かず、退職時の停止漏れや、気づかれない乗っ取りの原因になります。",
				EN: "The same person has two or more active personal accounts in one service. The one no longer used escapes attention: it is the one left open when the person leaves, or taken over without anyone noticing.",
			},
			Remediation: Text{
				JA: "①本人に、どのアカウントを使っているか確認します。②使っていないアカウントのデータを移してから、停止または削除します。③役割ごとに意図して分けている場合は、mamori でアカウントの種類や権限を正しく記録します。",
				EN: "1. Ask the person which account they actually use. 2. Move any data from the other account, then suspend or delete it. 3. If the accounts are deliberately separate for different roles, record their kind and privilege correctly in mamori.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runDuplicate,
		},
		{
			ID:       "accounts.freemail",
			Severity: Medium,
			Subject:  KindAccount,
			Title: Text{
				JA: "業務用のアカウントがフリーメールや個人のアドレスで登録されています",
				EN: "A work account uses a free or personal e-mail address",
			},
			Explanation: Text{
				JA: "業務で使うアカウントが、Gmail や携帯電話会社のメールなど、個人向けのアドレスで登録されています。会社はこのアドレスを管理できないため、退職時に止められず、パスワード再設定のメールも個人の受信箱に届きます。業務のデータが個人の管理下に置かれたままになります。",
				EN: "A work account is registered to a personal address such as Gmail or mobile-carrier mail. The company cannot manage that address, so it cannot stop it when the person leaves, and password-reset mail goes to a private inbox: the work data stays under the person's private control.",
			},
			Remediation: Text{
				JA: "①サービスが対応していれば、アカウントのメールアドレスを会社のドメインのアドレスに変更します。②変更できなければ、会社のアドレスで新しいアカウントを作り、データを移してから古いアカウントを削除します。③業務のアカウントは会社のアドレスで作るというルールを決め、全員に伝えます。",
				EN: "1. Where the service allows it, change the account's address to a company-domain address. 2. Otherwise, create a new account on a company address, move the data, and delete the old account. 3. Make it a rule that work accounts are created with company addresses, and tell everyone.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4, 9},
			Run:       runFreemail,
		},
		{
			ID:       "accounts.guest_no_end",
			Severity: Low,
			Subject:  KindAccount,
			Title: Text{
				JA: "社外の人のアカウントに利用終了日が決められていません",
				EN: "An outside party's account has no end date",
			},
			Explanation: Text{
				JA: "ゲストや社外の人のアカウントに、いつまで使うのかが記録されていません。終了日がないと、プロジェクトや契約が終わっても誰も気づかず、社外の人がいつまでも社内の情報にアクセスできる状態が続きます。",
				EN: "A guest or outside party's account has no recorded end date. Without one, nobody notices when the project or contract ends, and the outsider keeps access to internal information indefinitely.",
			},
			Remediation: Text{
				JA: "①社内の担当者に、この相手とのやり取りがいつまで続くか確認します。②契約期間やプロジェクトの終了日を、mamori のアカウントの終了日に記録します。③サービスに期限の機能があれば使います（Microsoft 365 のアクセスレビュー、Google ドライブの共有の有効期限など）。",
				EN: "1. Ask the person in charge how long the work with this party will continue. 2. Record the contract or project end as the account's end date in mamori. 3. Use expiry features where the service has them (access reviews in Microsoft 365, access expiration in Google Drive).",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2},
			Run:       runGuestNoEnd,
		},
		{
			ID:       "accounts.internet_no_mfa",
			Severity: Medium,
			Subject:  KindAccount,
			Title: Text{
				JA: "インターネットから使えるサービスのアカウントに多要素認証が設定されていません",
				EN: "An account on an internet-facing service has no multi-factor authentication",
			},
			Explanation: Text{
				JA: "社外からサインインできるサービスのアカウントが、パスワードだけで守られています。フィッシングメールや他のサイトからの流出でパスワードを知られると、どこからでも本人になりすましてサインインされ、メールの盗み見や、取引先へのなりすましメール（ビジネスメール詐欺）に使われます。",
				EN: "An account on a service reachable from the internet is protected by its password alone. Once the password is phished or leaked from another site, anyone anywhere can sign in as this person, read their mail, and send convincing fraudulent mail to business partners (business e-mail compromise).",
			},
			Remediation: Text{
				JA: "①利用者本人に、認証アプリなどで多要素認証を登録してもらいます。②サービスの管理画面で、全員に多要素認証を必須にする設定を有効にします（Google 管理コンソールの［セキュリティ］＞［認証］＞［2段階認証プロセス］、Microsoft 365 はセキュリティの既定値群）。③登録が済んだら、mamori でアカウントの多要素認証を「有効」に更新します。",
				EN: "1. Ask the user to register multi-factor authentication, for example with an authenticator app. 2. In the service's admin console, turn on the setting that makes it mandatory for everyone (Google Admin console Security > Authentication > 2-Step Verification; security defaults in Microsoft 365). 3. Once done, set the account's multi-factor authentication to \"on\" in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{5, 9},
			Run:       runInternetNoMFA,
		},
		{
			ID:       "accounts.login_after_leave",
			Severity: Critical,
			Subject:  KindAccount,
			Needs:    []string{"account.last_login"},
			Title: Text{
				JA: "退職日より後にサインインされたアカウントがあります",
				EN: "An account was signed in to after its owner left",
			},
			Explanation: Text{
				JA: "退職した人のアカウントに、退職日より後のサインインの記録があります。元従業員本人が使い続けているか、第三者がなりすましている可能性があり、情報の持ち出しや不正アクセスがすでに起きているおそれがあります。",
				EN: "The account of a person who has left shows a sign-in after their leave date. Either the former employee is still using it or someone else is signing in as them: data may already have been taken or the account misused.",
			},
			Remediation: Text{
				JA: "①すぐにアカウントを停止し、パスワードを変更して、すべての端末からサインアウトさせます（Google 管理コンソールはユーザーの［セキュリティ］で［ログイン Cookie をリセット］、Microsoft Entra 管理センターは［セッションの取り消し］）。②サービスの監査ログで、退職日以降の操作（ダウンロード、共有、メールの転送設定）を確認し、記録を保存します。③情報の持ち出しが疑われる場合は、インシデントとして経営者に報告し、対応手順に沿って進めます。",
				EN: "1. Suspend the account at once, change its password and sign it out everywhere (Google Admin console: Reset sign-in cookies in the user's Security section; Microsoft Entra admin center: Revoke sessions). 2. In the service's audit log, look at what was done after the leave date (downloads, sharing, mail forwarding) and keep a copy. 3. If data may have been taken, report an incident to the owner and follow the incident playbook.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 19, 24},
			Threats:   []int{4},
			Run:       runLoginAfterLeave,
		},
		{
			ID:       "accounts.nonstaff_admin",
			Severity: Medium,
			Subject:  KindAccount,
			Title: Text{
				JA: "パート・派遣・業務委託の人が管理者権限を持っています",
				EN: "A part-time, dispatched or contracted worker holds administrator rights",
			},
			Explanation: Text{
				JA: "パート・アルバイト、派遣、業務委託として登録された人のアカウントに、管理者権限が付いています。契約の終了とともに関係が切れる人が全体の設定を変えられる状態では、退職時の停止漏れや内部不正、委託先を経由した攻撃が起きたときの被害が大きくなります。",
				EN: "An account of someone registered as part-time, dispatched or contracted staff has administrator rights. When people whose relationship ends with their contract can change every setting, a missed shutdown, insider misuse or an attack through the contractor does far more damage.",
			},
			Remediation: Text{
				JA: "①業務の範囲を確認し、管理者権限が本当に必要か判断します。②必要な操作だけができる権限（編集、閲覧、範囲を限った管理者ロール）に変更します。③どうしても必要な場合は、契約の終了日をアカウントの終了日として記録し、多要素認証を必須にして、操作ログを定期的に確認します。",
				EN: "1. Check the scope of the work and whether it really requires administrator rights. 2. Change to a role that allows only what is needed (edit, view, or a limited admin role). 3. If full rights are unavoidable, record the contract's end as the account's end date, require multi-factor authentication, and review the activity log regularly.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4, 22},
			Threats:   []int{2, 4},
			Run:       runNonstaffAdmin,
		},
		{
			ID:       "accounts.orphan",
			Severity: Medium,
			Subject:  KindAccount,
			Title: Text{
				JA: "誰のものか分からないアカウントがあります",
				EN: "An account is not linked to anyone",
			},
			Explanation: Text{
				JA: "有効なアカウントが、台帳のどの人にも紐づいていません。誰が使っているか分からないアカウントは、退職や異動のときに停止されずに残り続けます。不正に使われても責任者がいないため、発見も遅れます。",
				EN: "An active account is not linked to any person in the inventory. An account nobody owns is never suspended when people leave or change roles, and if it is misused there is nobody responsible who would notice.",
			},
			Remediation: Text{
				JA: "①サービスの管理画面で、このアカウントの最終サインイン日時や作成者を確認し、使っている人を特定します。②使っている人が分かれば、mamori でアカウントをその人に紐づけます。共用やシステム用のアカウントなら、責任者を決めて紐づけます。③誰も使っていなければ停止し、問題がないことを確かめてから削除します。",
				EN: "1. In the service's admin console, look at the account's last sign-in and who created it to find out who uses it. 2. Link the account to that person in mamori; for a shared or system account, choose a responsible person and link it to them. 3. If nobody uses it, suspend it, and delete it once you are sure nothing depends on it.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runOrphan,
		},
		{
			ID:       "accounts.outside_domain",
			Severity: Low,
			Subject:  KindAccount,
			Title: Text{
				JA: "社員のアカウントが会社以外のドメインのアドレスで登録されています",
				EN: "A staff account uses an address outside the company's domains",
			},
			Explanation: Text{
				JA: "社員の個人アカウントが、会社のドメインでもフリーメールでもない、別の組織のアドレスで登録されています。前の勤務先や取引先のアドレスを使っている場合、その組織の判断でアドレスが止められたり、社外の人にパスワード再設定のメールが届いたりします。",
				EN: "A staff member's own account is registered to an address that is neither on the company's domains nor a free-mail address, but on another organisation's domain. If it is a former employer's or a partner's address, that organisation can shut it down, and password-reset mail reaches people outside the company.",
			},
			Remediation: Text{
				JA: "①本人に、このアドレスの持ち主と使っている理由を確認します。②会社のドメインのアドレスに変更するか、会社のアドレスでアカウントを作り直します。③このドメインも自社のものであれば、mamori の組織の設定で会社のドメインとして登録します。",
				EN: "1. Ask the person whose address it is and why it is used. 2. Change the account to a company-domain address, or recreate the account on one. 3. If the domain is in fact the company's, add it to the company's domains in mamori's organisation settings.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Run:       runOutsideDomain,
		},
		{
			ID:       "accounts.reused_before_join",
			Severity: Low,
			Subject:  KindAccount,
			Title: Text{
				JA: "前任者のアカウントを引き継いで使っている可能性があります",
				EN: "An account may have been handed down from a predecessor",
			},
			Explanation: Text{
				JA: "この人の入社日より30日以上前に作られたアカウントが、この人に紐づいています。前任者や退職者のアカウントをそのまま引き継いで使っている可能性があります。その場合、前任者もパスワードを知っており、記録の上では誰の操作か区別できません。",
				EN: "An account created more than 30 days before this person joined is linked to them. It may be a predecessor's or a former employee's account passed on as it was: the predecessor may still know the password, and the logs cannot tell their actions apart.",
			},
			Remediation: Text{
				JA: "①本人に、アカウントを自分で作ったか、誰かから引き継いだか確認します。②引き継いだものであれば、本人の名前で新しいアカウントを作り、必要なデータを移して古いアカウントを停止します。すぐにできない場合は、少なくともパスワードを変更し、多要素認証を本人の端末で登録し直します。③作成日や入社日の記録が誤っていれば、mamori で修正します。",
				EN: "1. Ask the person whether they created the account or took it over from someone. 2. If it was handed down, create a new account in their own name, move the data and suspend the old one; until then, at least change the password and re-register multi-factor authentication on their own device. 3. If the creation or join date is simply wrong, correct it in mamori.",
			},
			FiveRules: []int{3, 4},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runReusedBeforeJoin,
		},
		{
			ID:       "accounts.shared",
			Severity: Medium,
			Subject:  KindAccount,
			Title: Text{
				JA: "複数の人で使い回している共用アカウントがあります",
				EN: "An account is shared by several people",
			},
			Explanation: Text{
				JA: "一つのアカウントとパスワードを、複数の人で使っています。誰が何をしたのかを記録から追えないため、情報漏えいや誤操作が起きても原因を突き止められません。パスワードを知る人が増えるほど漏れやすくなり、退職者がパスワードを覚えたまま去ることにもなります。",
				EN: "Several people use one account and one password. The logs cannot tell who did what, so a leak or a mistake cannot be traced; and the more people know a password, the more likely it leaks — including to people who have left and still remember it.",
			},
			Remediation: Text{
				JA: "①このアカウントを使っている人を洗い出します。②サービスが対応していれば一人ずつ個人のアカウントを発行し、共用アカウントを停止します（Google Workspace や Microsoft 365 では、グループや共有メールボックスを使えば個人のアカウントのまま共同で作業できます）。③どうしても共用が必要な場合は、長く推測されにくいパスワードに変えて利用者を限り、パスワード管理ツールで共有して、メンバーが抜けるたびに変更します。",
				EN: "1. List who uses this account. 2. Where the service allows, give each person their own account and suspend the shared one (in Google Workspace and Microsoft 365, groups and shared mailboxes let people work together from their own accounts). 3. If sharing cannot be avoided, set a long, hard-to-guess password, limit who knows it, share it through a password manager, and change it whenever someone leaves the group.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runShared,
		},
		{
			ID:       "accounts.shared_admin",
			Severity: High,
			Subject:  KindAccount,
			Title: Text{
				JA: "管理者権限を持つアカウントを複数の人で共用しています",
				EN: "An administrator account is shared by several people",
			},
			Explanation: Text{
				JA: "サービスのすべての設定を変えられる管理者アカウントを、複数の人で共用しています。誰が設定を変えたのか分からず、パスワードを知る誰か一人から漏れるだけで、全利用者のデータと設定が第三者の手に渡ります。退職者が管理者のパスワードを知ったまま去る危険もあります。",
				EN: "An administrator account, which can change every setting of the service, is used by several people. Nobody can tell who changed what, and a leak from any one of them hands every user's data and every setting to an outsider. People who leave also take the administrator password with them.",
			},
			Remediation: Text{
				JA: "①管理が必要な人ごとに、個人の管理者アカウントを用意するか、個人のアカウントに管理者ロールを付与します。②共用の管理者アカウントはパスワードを変更して多要素認証を設定し、緊急時専用として厳重に保管するか停止します。③mamori でこのアカウントの種類と権限を更新します。",
				EN: "1. Give each person who needs to administer the service their own administrator account, or an administrator role on their personal account. 2. Change the shared administrator's password, turn on multi-factor authentication, and either keep it sealed as an emergency-only account or suspend it. 3. Update the account's kind and privilege in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3, 4},
			Threats:   []int{4},
			Run:       runSharedAdmin,
		},
	}
}

// mfaApplies says whether an account's second factor is the account's own
// business: programs cannot use one, and with single sign-on the identity
// provider asks for it.
func (s *Snapshot) mfaApplies(ai int) bool {
	a := &s.ix.acc[ai]
	if s.Accounts[ai].Kind == inventory.ServiceAcc {
		return false
	}
	return a.service < 0 || !s.Services[a.service].SSO
}

func accountFinding(s *Snapshot, ai int) Finding {
	return Finding{Subject: Ref{KindAccount, s.Accounts[ai].ID}}
}

// withPerson adds the account's person to the evidence.
func withPerson(s *Snapshot, ai int, f Finding) Finding {
	if p := s.ix.acc[ai].person; p >= 0 {
		f.Evidence = []Ref{personRef(s, p)}
	}
	return f
}

func runAccessExpired(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.ends == noDay || a.ends >= x.today {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Text{
			JA: fmt.Sprintf("利用終了日%s（%d日経過）", a.ends.ja(), x.today-a.ends),
			EN: fmt.Sprintf("ended on %s (%d days ago)", a.ends.en(), x.today-a.ends),
		}
		emit(f)
	}
}

func runAdminFreemail(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && a.admin && a.domain == domainFree {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runAdminMFAUnknown(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || !a.admin {
			continue
		}
		if m := s.Accounts[ai].MFA; m != inventory.MFAOn && m != inventory.MFAOff && s.mfaApplies(ai) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runAdminNoMFA(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if a.active && a.admin && s.Accounts[ai].MFA == inventory.MFAOff && s.mfaApplies(ai) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runDormant(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	last := newSince("最終サインイン", "the last sign-in", x.today)
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.lastLogin == noDay || x.today-a.lastLogin < 90 {
			continue
		}
		// Departed people's accounts are people.departed_active; programs
		// do not sign in like people.
		if s.personLeft(a.person) || s.Accounts[ai].Kind == inventory.ServiceAcc {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = last.get(a.lastLogin)
		emit(f)
	}
}

func runDuplicate(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for pi := range s.People {
		accs := x.accByPerson.of(int32(pi))
		for n, ai := range accs {
			if !x.personalUser(s, ai) {
				continue
			}
			// The first account of the person in the service is the one
			// kept; every later one is a duplicate of it.
			for _, bi := range accs[:n] {
				if x.personalUser(s, bi) && x.acc[bi].service == x.acc[ai].service {
					emit(Finding{
						Subject:  accountRef(s, ai),
						Evidence: []Ref{personRef(s, int32(pi)), accountRef(s, bi)},
					})
					break
				}
			}
		}
	}
}

// personalUser reports whether an account is an active, everyday personal
// account (an extra administrator account is a good practice, not a
// duplicate).
func (x *index) personalUser(s *Snapshot, ai int32) bool {
	a := &x.acc[ai]
	return a.active && !a.admin && a.service >= 0 && s.Accounts[ai].Kind == inventory.Personal
}

func runFreemail(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if a.active && !a.admin && a.domain == domainFree && ownAccount(s.Accounts[ai].Kind) {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

// ownAccount reports whether an account kind belongs to the company's own
// people rather than to outsiders or programs.
func ownAccount(k inventory.AccountKind) bool {
	return k != inventory.Guest && k != inventory.External && k != inventory.ServiceAcc
}

func runGuestNoEnd(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		k := s.Accounts[ai].Kind
		if a := &s.ix.acc[ai]; a.active && (k == inventory.Guest || k == inventory.External) && s.Accounts[ai].EndsOn == "" {
			emit(accountFinding(s, ai))
		}
	}
}

func runInternetNoMFA(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || a.admin || a.service < 0 || s.Accounts[ai].MFA != inventory.MFAOff || !s.mfaApplies(ai) {
			continue
		}
		// A service with no second factor at all is services.no_mfa_*:
		// the user cannot fix that.
		if sv := &s.Services[a.service]; sv.InternetFacing && sv.MFA != inventory.MFANone {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runLoginAfterLeave(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if a.lastLogin == noDay || !s.personLeft(a.person) {
			continue
		}
		leave := x.person[a.person].leave
		if a.lastLogin <= leave {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Text{
			JA: fmt.Sprintf("退職日%s、最終サインイン%s", leave.ja(), a.lastLogin.ja()),
			EN: fmt.Sprintf("left on %s; last sign-in %s", leave.en(), a.lastLogin.en()),
		}
		emit(f)
	}
}

func runNonstaffAdmin(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		if !a.active || !a.admin || a.person < 0 || s.personLeft(a.person) {
			continue
		}
		switch s.People[a.person].EmploymentType {
		case inventory.PartTime, inventory.Dispatched, inventory.Contractor:
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runOrphan(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		a := &s.ix.acc[ai]
		acc := &s.Accounts[ai]
		// Guests and outside parties belong to other companies:
		// accounts.guest_no_end and accounts.access_expired watch them.
		if !a.active || a.person >= 0 || acc.Kind == inventory.Guest || acc.Kind == inventory.External {
			continue
		}
		f := accountFinding(s, ai)
		if acc.PersonID != 0 {
			f.Detail = Text{
				JA: fmt.Sprintf("紐づく人（ID %d）が台帳にありません", acc.PersonID),
				EN: fmt.Sprintf("linked person (ID %d) is not in the inventory", acc.PersonID),
			}
		}
		emit(f)
	}
}

func runOutsideDomain(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	if len(x.domains) == 0 {
		return // without the company's domain every address is "outside"
	}
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.domain != domainOther || a.person < 0 || s.Accounts[ai].Kind != inventory.Personal {
			continue
		}
		// Contractors and counsel work under their own firm's address.
		switch s.People[a.person].EmploymentType {
		case inventory.Contractor, inventory.Counsel:
			continue
		}
		emit(withPerson(s, ai, accountFinding(s, ai)))
	}
}

func runReusedBeforeJoin(s *Snapshot, emit func(Finding)) {
	x := &s.ix
	for ai := range x.acc {
		a := &x.acc[ai]
		if !a.active || a.person < 0 || a.created == noDay || s.Accounts[ai].Kind != inventory.Personal {
			continue
		}
		join := x.person[a.person].join
		if join == noDay || a.created >= join-30 || x.person[a.person].left {
			continue
		}
		f := withPerson(s, ai, accountFinding(s, ai))
		f.Detail = Text{
			JA: fmt.Sprintf("作成日%s、入社日%s", a.created.ja(), join.ja()),
			EN: fmt.Sprintf("created on %s; joined on %s", a.created.en(), join.en()),
		}
		emit(f)
	}
}

func runShared(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && !a.admin && s.Accounts[ai].Kind == inventory.Shared {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}

func runSharedAdmin(s *Snapshot, emit func(Finding)) {
	for ai := range s.ix.acc {
		if a := &s.ix.acc[ai]; a.active && a.admin && s.Accounts[ai].Kind == inventory.Shared {
			emit(withPerson(s, ai, accountFinding(s, ai)))
		}
	}
}
