package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/store"
)

// seedPartners fills the demo company's partners register: the two
// partners its people write to (the mail guard reads their domains) and the
// payroll outsourcer. All three are entrusted with important information;
// the contract with ひかり物産 has no confidentiality terms, so the
// self-diagnosis proposes "partly" for question 22 and names it.
func seedPartners(ctx context.Context, t store.Tenant, now time.Time) error {
	today := calendar.Of(now)
	for _, p := range []partner.Partner{
		{Name: "山田商事", Domains: []string{"yamada-shoji.example"}, Entrusted: true, Terms: partner.TermsYes,
			AgreedOn: today.AddDate(-2, 0, -10), EndsOn: today.AddDate(1, 0, 0), Note: "図面と見積を共有。秘密保持契約書（NDA）締結済み。"},
		{Name: "ひかり物産", Domains: []string{"hikari-bussan.example"}, Entrusted: true, Terms: partner.TermsNo,
			EndsOn: today.AddDate(0, 5, 0), Note: "顧客名簿を預けて発送を委託。基本契約に秘密保持の条項なし。"},
		{Name: "つばさ給与計算センター", Domains: []string{"tsubasa-payroll.example"}, Entrusted: true, Terms: partner.TermsYes,
			AgreedOn: today.AddDate(-1, -3, 0), Note: "給与計算を委託（従業員の個人番号を含む）。委託契約に秘密保持条項あり。"},
	} {
		if _, err := t.AddPartner(ctx, actor, p); err != nil {
			return fmt.Errorf("demo partner %s: %w", p.Name, err)
		}
	}
	return nil
}
