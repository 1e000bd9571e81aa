//! The organizations: the provincial ones first, then district and commune
//! committees, offices, schools, hospitals, companies, mass organizations,
//! armed forces and cooperatives, up to the plan's count, with unique names
//! and slugs and explicit ids.

use std::collections::HashSet;

use chrono::Duration;
use entity::organization;
use sea_orm::Set;

use api::slug;

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
    // District bundles: (party committee, people's committee) per district.
    let mut bundles: Vec<(usize, usize, usize)> = Vec::new();
    let mut next_district = 0;
    let mut next_commune: Vec<usize> = vec![0; add.world.districts.len()];
    let mut guard = 0;
    while !add.full() && guard < plan.organizations * 20 + 1000 {
        guard += 1;
        let can_district = next_district < add.world.districts.len();
        let weights = [
            if can_district { 14 } else { 0 },
            if bundles.is_empty() { 0 } else { 30 },
            if bundles.is_empty() { 0 } else { 10 },
            15,
            5,
            18,
            if bundles.is_empty() { 0 } else { 7 },
            if bundles.is_empty() { 0 } else { 3 },
            3,
        ];
        match d.weighted(&weights) {
            0 => {
                let i = next_district;
                next_district += 1;
                let (label, name) = {
                    let district = &add.world.districts[i];
                    (district.label.clone(), district.name.clone())
                };
                let party_word = if label.starts_with("thành phố") {
                    "Thành ủy"
                } else if label.starts_with("thị xã") {
                    "Thị ủy"
                } else {
                    "Huyện ủy"
                };
                let party = add.add(
                    d,
                    format!("{party_word} {name}"),
                    None,
                    PARTY,
                    Some(TINH_UY),
                    Some(format!("Ban Chấp hành Đảng bộ {label}.")),
                );
                let committee = add.add(
                    d,
                    format!("UBND {label}"),
                    None,
                    PEOPLES,
                    Some(UBND_TINH),
                    Some(format!("Ủy ban nhân dân {label}.")),
                );
                if let (Some(party), Some(committee)) = (party, committee) {
                    add.world.districts[i].committee = Some(committee);
                    bundles.push((i, party, committee));
                }
            }
            1 => {
                let (district, party, committee) = *d.pick(&bundles);
                let k = next_commune[district];
                let Some(&commune) = add.world.districts[district].communes.get(k) else {
                    continue;
                };
                next_commune[district] += 1;
                let label = add.world.communes[commune].label.clone();
                add.add(
                    d,
                    format!("Đảng ủy {label}"),
                    None,
                    PARTY,
                    Some(party),
                    None,
                );
                add.add(
                    d,
                    format!("UBND {label}"),
                    None,
                    PEOPLES,
                    Some(committee),
                    None,
                );
            }
            2 => {
                let (district, _, committee) = *d.pick(&bundles);
                let office = d.pick(DISTRICT_OFFICES);
                let label = add.world.districts[district].label.clone();
                add.add(
                    d,
                    format!("{office} {label}"),
                    None,
                    DEPARTMENT,
                    Some(committee),
                    None,
                );
            }
            3 => {
                let commune = d.below(add.world.communes.len());
                let name = add.world.communes[commune].name.clone();
                let district = add.world.communes[commune].district;
                let committee = add.world.districts[district].committee;
                match (d.below(4), committee) {
                    (1, Some(c)) => add.add(
                        d,
                        format!("Trường THCS {name}"),
                        None,
                        SCHOOL,
                        Some(c),
                        None,
                    ),
                    (2, Some(c)) => add.add(
                        d,
                        format!("Trường Tiểu học {name}"),
                        None,
                        SCHOOL,
                        Some(c),
                        None,
                    ),
                    (3, Some(c)) => add.add(
                        d,
                        format!("Trường Mầm non {name}"),
                        None,
                        SCHOOL,
                        Some(c),
                        None,
                    ),
                    _ => add.add(
                        d,
                        format!("Trường THPT {name}"),
                        None,
                        SCHOOL,
                        Some(SO_GD),
                        None,
                    ),
                };
            }
            4 => {
                let district = d.below(add.world.districts.len());
                let label = add.world.districts[district].label.clone();
                let name = match d.below(3) {
                    0 => d.pick(SPECIAL_HOSPITALS).to_string(),
                    1 => format!(
                        "Bệnh viện Đa khoa khu vực {}",
                        add.world.districts[district].name
                    ),
                    _ => format!("Trung tâm Y tế {label}"),
                };
                add.add(d, name, None, HOSPITAL, Some(SO_YTE), None);
            }
            5 => {
                let form = d.pick(COMPANY_FORMS);
                let industry = d.pick(INDUSTRIES);
                let brand = format!("{} {}", d.pick(BRAND_FIRST), d.pick(BRAND_SECOND));
                let description = format!(
                    "Doanh nghiệp hoạt động trong lĩnh vực {} trên địa bàn tỉnh.",
                    industry.to_lowercase()
                );
                add.add(
                    d,
                    format!("{form} {industry} {brand}"),
                    Some(brand),
                    COMPANY,
                    None,
                    Some(description),
                );
            }
            6 => {
                let (district, _, _) = *d.pick(&bundles);
                let (label, name) = {
                    let district = &add.world.districts[district];
                    (district.label.clone(), district.name.clone())
                };
                let (org, parent) = match d.below(5) {
                    0 => (format!("Hội Nông dân {label}"), HOI_ND),
                    1 => (format!("Hội Liên hiệp Phụ nữ {label}"), HOI_PN),
                    2 => (format!("Huyện đoàn {name}"), TINH_DOAN),
                    3 => (format!("Hội Cựu chiến binh {label}"), HOI_CCB),
                    _ => (format!("Ủy ban MTTQ Việt Nam {label}"), MTTQ),
                };
                add.add(d, org, None, MASS, Some(parent), None);
            }
            7 => {
                let (district, _, _) = *d.pick(&bundles);
                let label = add.world.districts[district].label.clone();
                let (org, parent) = if d.chance(0.5) {
                    (format!("Công an {label}"), CONG_AN)
                } else {
                    (format!("Ban Chỉ huy Quân sự {label}"), BCHQS)
                };
                add.add(d, org, None, ARMED, Some(parent), None);
            }
            _ => {
                let commune = d.below(add.world.communes.len());
                let name = add.world.communes[commune].name.clone();
                let what = match d.below(3) {
                    0 => "Nông nghiệp",
                    1 => "Dịch vụ nông nghiệp",
                    _ => "Thủy sản",
                };
                add.add(
                    d,
                    format!("Hợp tác xã {what} {name}"),
                    None,
                    OTHER,
                    Some(LMHTX),
                    None,
                );
            }
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
