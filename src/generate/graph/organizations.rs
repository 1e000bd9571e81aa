//! The organizations: the provincial ones first, then district and commune
//! committees, offices, schools, hospitals, companies, mass organizations,
//! armed forces and cooperatives, up to the plan's count, with unique names
//! and slugs and explicit ids.

use std::collections::HashSet;

use chrono::Duration;
use entity::organization;
use sea_orm::Set;

use api::platform::slug;

use crate::generate::{
    dice::Dice,
    plan::Plan,
    province::{
        ARMED, BCHQS, COMPANY, CONG_AN, DEPARTMENT, FIXED, HOI_CCB, HOI_ND, HOI_PN, HOSPITAL,
        LMHTX, MASS, MTTQ, OTHER, PARTY, PEOPLES, SCHOOL, SO_GD, SO_YTE, TINH_DOAN, TINH_UY,
        UBND_TINH,
    },
    rows::Rows,
    store::Existing,
    world::{Org, World},
};

const DISTRICT_OFFICES: &[&str] = &[
    "Phòng Nông nghiệp và Môi trường",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Văn hóa, Khoa học và Thông tin",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "Phòng Y tế",
];

const SPECIAL_HOSPITALS: &[&str] = &[
    "Bệnh viện Sản - Nhi tỉnh",
    "Bệnh viện Y dược cổ truyền tỉnh",
    "Bệnh viện Phục hồi chức năng tỉnh",
    "Bệnh viện Mắt tỉnh",
    "Bệnh viện Lao và Bệnh phổi tỉnh",
    "Bệnh viện Tâm thần tỉnh",
];

const COMPANY_FORMS: &[&str] = &["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"];

const INDUSTRIES: &[&str] = &[
    "Xây dựng",
    "May mặc",
    "Chế biến nông sản",
    "Thương mại và Dịch vụ",
    "Vận tải",
    "Môi trường đô thị",
    "Đầu tư và Phát triển",
    "Cấp nước",
    "Dược phẩm",
    "Thủy sản",
    "Vật liệu xây dựng",
    "Chế biến gỗ",
    "Thực phẩm",
    "Du lịch",
    "Điện tử",
    "Cơ khí",
    "Phân bón",
    "Cà phê",
    "Chè",
];

const BRAND_FIRST: &[&str] = &[
    "Hoàng",
    "Minh",
    "Thành",
    "Phú",
    "Đại",
    "Tân",
    "Hưng",
    "Việt",
    "Sao",
    "Trường",
    "Kim",
    "Bảo",
    "Thiên",
    "Đông",
    "Nam",
    "Hồng",
    "Phương",
];

const BRAND_SECOND: &[&str] = &[
    "Long", "Phát", "Công", "Thịnh", "Lộc", "Thành", "An", "Hải", "Sơn", "Hà", "Việt", "Mai",
    "Tín", "Nguyên", "Phong", "Hưng", "Gia",
];

/// Adds organizations with unique slugs and explicit ids.
struct OrgAdder<'a> {
    world: &'a mut World,
    rows: &'a mut Rows,
    existing: &'a mut Existing,
    names: HashSet<String>,
    target: usize,
}

impl OrgAdder<'_> {
    fn full(&self) -> bool {
        self.world.orgs.len() >= self.target
    }

    fn add(
        &mut self,
        d: &mut Dice,
        name: String,
        short: Option<String>,
        kind: &'static str,
        parent: Option<usize>,
        description: Option<String>,
    ) -> Option<usize> {
        if self.full() || !self.names.insert(name.clone()) {
            return None;
        }
        let slug = slug::unique_slug(&slug::slugify(&name), |s| {
            self.existing.org_slugs.contains(s)
        });
        self.existing.org_slugs.insert(slug.clone());
        let id = self.existing.next_org;
        self.existing.next_org += 1;
        let at = self.world.start - Duration::days(d.between(0, 720));
        self.rows.organizations.push(organization::ActiveModel {
            id: Set(id),
            parent_id: Set(parent.map(|p| self.world.orgs[p].id)),
            name: Set(name.clone()),
            slug: Set(slug),
            short_name: Set(short),
            kind: Set(kind.to_owned()),
            description: Set(description),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        });
        let index = self.world.orgs.len();
        match kind {
            SCHOOL => self.world.schools.push(index),
            HOSPITAL => self.world.hospitals.push(index),
            COMPANY => self.world.companies.push(index),
            _ => {}
        }
        self.world.orgs.push(Org { id, name, kind });
        Some(index)
    }
}

/// The district bundles so far: (district, party committee, people's
/// committee), and the next district and commune of each to get theirs.
struct Local {
    bundles: Vec<(usize, usize, usize)>,
    next_district: usize,
    next_commune: Vec<usize>,
}

/// Adds the organizations of the archive.
pub(super) fn organizations(
    d: &mut Dice,
    plan: &Plan,
    world: &mut World,
    rows: &mut Rows,
    existing: &mut Existing,
) {
    let mut add = OrgAdder {
        world,
        rows,
        existing,
        names: HashSet::new(),
        target: plan.organizations.max(FIXED.len()),
    };
    for (name, short, kind, parent, description) in FIXED {
        add.add(
            d,
            name.to_owned(),
            short.map(str::to_owned),
            kind,
            parent,
            Some(description.to_owned()),
        );
    }
    let mut local = Local {
        bundles: Vec::new(),
        next_district: 0,
        next_commune: vec![0; add.world.districts.len()],
    };
    let mut guard = 0;
    while !add.full() && guard < plan.organizations * 20 + 1000 {
        guard += 1;
        let can_district = local.next_district < add.world.districts.len();
        let bundled = !local.bundles.is_empty();
        let weights = [
            if can_district { 14 } else { 0 },
            if bundled { 30 } else { 0 },
            if bundled { 10 } else { 0 },
            15,
            5,
            18,
            if bundled { 7 } else { 0 },
            if bundled { 3 } else { 0 },
            3,
        ];
        match d.weighted(&weights) {
            0 => add.district_committees(d, &mut local),
            1 => add.commune_committees(d, &mut local),
            2 => add.district_office(d, &local),
            3 => add.school(d),
            4 => add.hospital(d),
            5 => add.company(d),
            6 => add.district_mass_organization(d, &local),
            7 => add.district_armed_forces(d, &local),
            _ => add.cooperative(d),
        }
    }
    // Companies whose counts outgrew the names: fill with numbered branches.
    let mut n = 1;
    while !add.full() {
        add.add(
            d,
            format!("Chi nhánh số {n} Công ty Cổ phần Đầu tư tỉnh"),
            None,
            COMPANY,
            None,
            None,
        );
        n += 1;
    }
}

/// One kind of organization each, drawn in the order the archive of a seed
/// depends on.
impl OrgAdder<'_> {
    /// The next district's party committee and people's committee.
    fn district_committees(&mut self, d: &mut Dice, local: &mut Local) {
        let i = local.next_district;
        local.next_district += 1;
        let (label, name) = {
            let district = &self.world.districts[i];
            (district.label.clone(), district.name.clone())
        };
        let party_word = if label.starts_with("thành phố") {
            "Thành ủy"
        } else if label.starts_with("thị xã") {
            "Thị ủy"
        } else {
            "Huyện ủy"
        };
        let party = self.add(
            d,
            format!("{party_word} {name}"),
            None,
            PARTY,
            Some(TINH_UY),
            Some(format!("Ban Chấp hành Đảng bộ {label}.")),
        );
        let committee = self.add(
            d,
            format!("UBND {label}"),
            None,
            PEOPLES,
            Some(UBND_TINH),
            Some(format!("Ủy ban nhân dân {label}.")),
        );
        if let (Some(party), Some(committee)) = (party, committee) {
            self.world.districts[i].committee = Some(committee);
            local.bundles.push((i, party, committee));
        }
    }

    /// The party committee and people's committee of a district's next
    /// commune.
    fn commune_committees(&mut self, d: &mut Dice, local: &mut Local) {
        let (district, party, committee) = *d.pick(&local.bundles);
        let k = local.next_commune[district];
        let Some(&commune) = self.world.districts[district].communes.get(k) else {
            return;
        };
        local.next_commune[district] += 1;
        let label = self.world.communes[commune].label.clone();
        self.add(
            d,
            format!("Đảng ủy {label}"),
            None,
            PARTY,
            Some(party),
            None,
        );
        self.add(
            d,
            format!("UBND {label}"),
            None,
            PEOPLES,
            Some(committee),
            None,
        );
    }

    /// An office of a district's people's committee.
    fn district_office(&mut self, d: &mut Dice, local: &Local) {
        let (district, _, committee) = *d.pick(&local.bundles);
        let office = d.pick(DISTRICT_OFFICES);
        let label = self.world.districts[district].label.clone();
        self.add(
            d,
            format!("{office} {label}"),
            None,
            DEPARTMENT,
            Some(committee),
            None,
        );
    }

    /// A commune's school: under its district when it has a committee,
    /// else a high school under the provincial department.
    fn school(&mut self, d: &mut Dice) {
        let commune = d.below(self.world.communes.len());
        let name = self.world.communes[commune].name.clone();
        let district = self.world.communes[commune].district;
        let committee = self.world.districts[district].committee;
        let (name, parent) = match (d.below(4), committee) {
            (1, Some(c)) => (format!("Trường THCS {name}"), c),
            (2, Some(c)) => (format!("Trường Tiểu học {name}"), c),
            (3, Some(c)) => (format!("Trường Mầm non {name}"), c),
            _ => (format!("Trường THPT {name}"), SO_GD),
        };
        self.add(d, name, None, SCHOOL, Some(parent), None);
    }

    /// A hospital or a district health centre.
    fn hospital(&mut self, d: &mut Dice) {
        let district = d.below(self.world.districts.len());
        let label = self.world.districts[district].label.clone();
        let name = match d.below(3) {
            0 => d.pick(SPECIAL_HOSPITALS).to_string(),
            1 => format!(
                "Bệnh viện Đa khoa khu vực {}",
                self.world.districts[district].name
            ),
            _ => format!("Trung tâm Y tế {label}"),
        };
        self.add(d, name, None, HOSPITAL, Some(SO_YTE), None);
    }

    /// A company: form, industry and brand.
    fn company(&mut self, d: &mut Dice) {
        let form = d.pick(COMPANY_FORMS);
        let industry = d.pick(INDUSTRIES);
        let brand = format!("{} {}", d.pick(BRAND_FIRST), d.pick(BRAND_SECOND));
        let description = format!(
            "Doanh nghiệp hoạt động trong lĩnh vực {} trên địa bàn tỉnh.",
            industry.to_lowercase()
        );
        self.add(
            d,
            format!("{form} {industry} {brand}"),
            Some(brand),
            COMPANY,
            None,
            Some(description),
        );
    }

    /// A district's branch of a provincial mass organization.
    fn district_mass_organization(&mut self, d: &mut Dice, local: &Local) {
        let (district, _, _) = *d.pick(&local.bundles);
        let (label, name) = {
            let district = &self.world.districts[district];
            (district.label.clone(), district.name.clone())
        };
        let (org, parent) = match d.below(5) {
            0 => (format!("Hội Nông dân {label}"), HOI_ND),
            1 => (format!("Hội Liên hiệp Phụ nữ {label}"), HOI_PN),
            2 => (format!("Huyện đoàn {name}"), TINH_DOAN),
            3 => (format!("Hội Cựu chiến binh {label}"), HOI_CCB),
            _ => (format!("Ủy ban MTTQ Việt Nam {label}"), MTTQ),
        };
        self.add(d, org, None, MASS, Some(parent), None);
    }

    /// A district's police or military command.
    fn district_armed_forces(&mut self, d: &mut Dice, local: &Local) {
        let (district, _, _) = *d.pick(&local.bundles);
        let label = self.world.districts[district].label.clone();
        let (org, parent) = if d.chance(0.5) {
            (format!("Công an {label}"), CONG_AN)
        } else {
            (format!("Ban Chỉ huy Quân sự {label}"), BCHQS)
        };
        self.add(d, org, None, ARMED, Some(parent), None);
    }

    /// A commune's cooperative.
    fn cooperative(&mut self, d: &mut Dice) {
        let commune = d.below(self.world.communes.len());
        let name = self.world.communes[commune].name.clone();
        let what = match d.below(3) {
            0 => "Nông nghiệp",
            1 => "Dịch vụ nông nghiệp",
            _ => "Thủy sản",
        };
        self.add(
            d,
            format!("Hợp tác xã {what} {name}"),
            None,
            OTHER,
            Some(LMHTX),
            None,
        );
    }
}
