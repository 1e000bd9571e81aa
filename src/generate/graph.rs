//! The news graph the articles link to, built in memory with known ids:
//! a province's geography, its organizations in a 2–3 level hierarchy, the
//! people with their positions over time, the reporters, the events with
//! their participants, and the tags.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entity::{event, event_organization, event_person, organization, person, position, tag};
use sea_orm::Set;

use super::{
    Plan,
    dice::Dice,
    store::Existing,
    text::{Writer, capitalize},
    themes::{GENERIC_TOPICS, PRODUCTS, SPORTS, Theme},
    words::{
        DESKS, FEMALE_GIVEN, FEMALE_MIDDLE, LOCATIONS, MALE_GIVEN, MALE_MIDDLE, PLACE_FIRST,
        PLACE_SECOND, SURNAMES,
    },
};
use api::slug;

/// Seconds east of UTC of the newsroom's zone (Asia/Ho_Chi_Minh).
pub const ZONE_SECS: i64 = 7 * 3600;

/// A section of the demo, as stored.
pub struct SectionRef {
    pub id: i64,
    pub theme: Theme,
    pub weight: u32,
}

pub struct District {
    pub name: String,
    /// "huyện Tân Lập".
    pub label: String,
    pub communes: Vec<usize>,
    /// The people's committee, once created.
    pub committee: Option<usize>,
}

pub struct Commune {
    pub name: String,
    /// "xã Phú Hòa".
    pub label: String,
    pub district: usize,
}

pub struct Org {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
}

pub struct Person {
    pub id: i64,
    pub name: String,
    pub male: bool,
    /// Holds (or held) a position: named with it in the text.
    pub official: bool,
    /// "Giám đốc Sở Y tế", or what a citizen is ("nông dân xã …").
    pub title: String,
}

pub struct Event {
    pub id: i64,
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub people: Vec<usize>,
    pub orgs: Vec<usize>,
    pub district: usize,
    pub commune: usize,
}

pub struct Tag {
    pub id: i64,
}

/// Everything the articles can refer to.
pub struct World {
    /// The generator's "now": nothing is published after it but scheduled
    /// articles.
    pub anchor: DateTime<Utc>,
    /// Ten years before the anchor.
    pub start: DateTime<Utc>,
    pub sections: Vec<SectionRef>,
    pub districts: Vec<District>,
    pub communes: Vec<Commune>,
    pub orgs: Vec<Org>,
    pub schools: Vec<usize>,
    pub hospitals: Vec<usize>,
    pub companies: Vec<usize>,
    /// The organization that hosts most events of a theme.
    pub hosts: [usize; 11],
    pub people: Vec<Person>,
    /// Officials, the most prominent first.
    pub officials: Vec<usize>,
    pub citizens: Vec<usize>,
    pub reporters: Vec<usize>,
    pub reporters_by_theme: Vec<Vec<usize>>,
    pub events: Vec<Event>,
    /// Event indexes per theme, in time order.
    pub events_by_theme: Vec<Vec<usize>>,
    pub tags: Vec<Tag>,
    pub tags_by_theme: Vec<Vec<usize>>,
    /// Tags of no theme (places, years).
    pub general_tags: Vec<usize>,
}

impl World {
    /// An organization to write about (never the newsroom itself), the
    /// most prominent ones more often.
    pub fn some_org(&self, d: &mut Dice) -> usize {
        loop {
            let o = d.skewed(self.orgs.len());
            if o != NEWSROOM || self.orgs.len() < 2 {
                return o;
            }
        }
    }
}

/// The rows to insert for the graph.
#[derive(Default)]
pub struct Rows {
    pub organizations: Vec<organization::ActiveModel>,
    pub people: Vec<person::ActiveModel>,
    pub positions: Vec<position::ActiveModel>,
    pub events: Vec<event::ActiveModel>,
    pub event_people: Vec<event_person::ActiveModel>,
    pub event_organizations: Vec<event_organization::ActiveModel>,
    pub tags: Vec<tag::ActiveModel>,
    /// Tags that already existed and are reused.
    pub reused_tags: usize,
}

const PARTY: &str = "PARTY_COMMITTEE";
const PEOPLES: &str = "PEOPLES_COMMITTEE";
const COUNCIL: &str = "PEOPLES_COUNCIL";
const DEPARTMENT: &str = "DEPARTMENT";
const MASS: &str = "MASS_ORGANIZATION";
const COMPANY: &str = "COMPANY";
const SCHOOL: &str = "SCHOOL";
const HOSPITAL: &str = "HOSPITAL";
const ARMED: &str = "ARMED_FORCES";
const OTHER: &str = "OTHER";

/// The provincial organizations every archive has: name, short name, kind,
/// parent (index in this list) and description.
type Fixed = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<usize>,
    &'static str,
);

const TINH_UY: usize = 0;
const UBND_TINH: usize = 1;
const MTTQ: usize = 3;
const CONG_AN: usize = 4;
const BCHQS: usize = 5;
const NEWSROOM: usize = 9;
const SO_GD: usize = 13;
const SO_YTE: usize = 14;
const HOI_ND: usize = 20;
const HOI_PN: usize = 21;
const TINH_DOAN: usize = 22;
const HOI_CCB: usize = 23;
const LMHTX: usize = 29;

const FIXED: [Fixed; 30] = [
    (
        "Tỉnh ủy",
        Some("TU"),
        PARTY,
        None,
        "Ban Chấp hành Đảng bộ tỉnh, cơ quan lãnh đạo của Đảng bộ tỉnh giữa hai kỳ đại hội.",
    ),
    (
        "UBND tỉnh",
        Some("UBND tỉnh"),
        PEOPLES,
        None,
        "Ủy ban nhân dân tỉnh, cơ quan hành chính nhà nước ở địa phương.",
    ),
    (
        "HĐND tỉnh",
        Some("HĐND tỉnh"),
        COUNCIL,
        None,
        "Hội đồng nhân dân tỉnh, cơ quan quyền lực nhà nước ở địa phương.",
    ),
    (
        "Ủy ban MTTQ Việt Nam tỉnh",
        Some("MTTQ tỉnh"),
        MASS,
        None,
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh.",
    ),
    (
        "Công an tỉnh",
        None,
        ARMED,
        None,
        "Cơ quan bảo đảm an ninh, trật tự trên địa bàn tỉnh.",
    ),
    (
        "Bộ Chỉ huy Quân sự tỉnh",
        Some("Bộ CHQS tỉnh"),
        ARMED,
        None,
        "Cơ quan quân sự địa phương cấp tỉnh.",
    ),
    (
        "Ban Tổ chức Tỉnh ủy",
        Some("BTC Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan tham mưu, giúp việc của Tỉnh ủy về công tác tổ chức, cán bộ.",
    ),
    (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        Some("BTG&DV Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan tham mưu, giúp việc của Tỉnh ủy về công tác tuyên giáo và dân vận.",
    ),
    (
        "Ủy ban Kiểm tra Tỉnh ủy",
        Some("UBKT Tỉnh ủy"),
        PARTY,
        Some(TINH_UY),
        "Cơ quan kiểm tra của Đảng bộ tỉnh.",
    ),
    (
        "Báo và Phát thanh, Truyền hình tỉnh",
        Some("Báo tỉnh"),
        OTHER,
        Some(TINH_UY),
        "Cơ quan báo chí của Đảng bộ, chính quyền và nhân dân tỉnh.",
    ),
    (
        "Sở Nội vụ",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tổ chức bộ máy, công chức, lao động.",
    ),
    (
        "Sở Tài chính",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tài chính, kế hoạch và đầu tư.",
    ),
    (
        "Sở Nông nghiệp và Môi trường",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về nông nghiệp, tài nguyên và môi trường.",
    ),
    (
        "Sở Giáo dục và Đào tạo",
        Some("Sở GD&ĐT"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về giáo dục và đào tạo.",
    ),
    (
        "Sở Y tế",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về y tế.",
    ),
    (
        "Sở Xây dựng",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về xây dựng và giao thông.",
    ),
    (
        "Sở Công Thương",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về công nghiệp và thương mại.",
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        Some("Sở VH-TT&DL"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về văn hóa, thể thao và du lịch.",
    ),
    (
        "Sở Khoa học và Công nghệ",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về khoa học, công nghệ và chuyển đổi số.",
    ),
    (
        "Sở Tư pháp",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan chuyên môn của UBND tỉnh về tư pháp.",
    ),
    (
        "Hội Nông dân tỉnh",
        None,
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội của giai cấp nông dân.",
    ),
    (
        "Hội Liên hiệp Phụ nữ tỉnh",
        Some("Hội LHPN tỉnh"),
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội đại diện cho phụ nữ trong tỉnh.",
    ),
    (
        "Tỉnh đoàn",
        None,
        MASS,
        Some(MTTQ),
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh.",
    ),
    (
        "Hội Cựu chiến binh tỉnh",
        None,
        MASS,
        Some(MTTQ),
        "Tổ chức chính trị - xã hội của cựu chiến binh.",
    ),
    (
        "Liên đoàn Lao động tỉnh",
        Some("LĐLĐ tỉnh"),
        MASS,
        Some(MTTQ),
        "Tổ chức công đoàn cấp tỉnh.",
    ),
    (
        "Thanh tra tỉnh",
        None,
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan thanh tra nhà nước cấp tỉnh.",
    ),
    (
        "Ban Quản lý các khu công nghiệp tỉnh",
        Some("BQL KCN"),
        DEPARTMENT,
        Some(UBND_TINH),
        "Cơ quan quản lý nhà nước đối với các khu công nghiệp.",
    ),
    (
        "Bệnh viện Đa khoa tỉnh",
        Some("BVĐK tỉnh"),
        HOSPITAL,
        Some(SO_YTE),
        "Bệnh viện tuyến tỉnh hạng I.",
    ),
    (
        "Trường THPT Chuyên tỉnh",
        None,
        SCHOOL,
        Some(SO_GD),
        "Trường trung học phổ thông chuyên của tỉnh.",
    ),
    (
        "Liên minh Hợp tác xã tỉnh",
        None,
        MASS,
        Some(UBND_TINH),
        "Tổ chức đại diện, hỗ trợ các hợp tác xã trong tỉnh.",
    ),
];

/// The host organization of each theme, by index in [`FIXED`].
const HOSTS: [usize; 11] = [
    TINH_UY, BCHQS, UBND_TINH, 12, 26, MTTQ, SO_GD, 17, 17, CONG_AN, SO_YTE,
];

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

const CITIZENS: &[&str] = &[
    "người dân {commune}, {district}",
    "nông dân {commune}, {district}",
    "chủ trang trại ở {commune}, {district}",
    "giáo viên về hưu ở {commune}",
    "tiểu thương ở {commune}",
    "cựu chiến binh {commune}, {district}",
    "trưởng thôn ở {commune}, {district}",
    "chủ hộ kinh doanh ở {district}",
    "công nhân một doanh nghiệp ở {district}",
    "hội viên Hội Nông dân {commune}",
];

/// The titles of an organization, the head first.
pub fn ranks(name: &str, kind: &str) -> &'static [&'static str] {
    match kind {
        PARTY if name.starts_with("Ban ") => &["Trưởng", "Phó Trưởng", "Phó Trưởng", "Chuyên viên"],
        PARTY if name.starts_with("Ủy ban Kiểm tra") => {
            &["Chủ nhiệm", "Phó Chủ nhiệm", "Ủy viên"]
        }
        PARTY => &[
            "Bí thư",
            "Phó Bí thư",
            "Phó Bí thư Thường trực",
            "Ủy viên Ban Thường vụ",
            "Ủy viên Ban Chấp hành",
            "Chánh Văn phòng",
        ],
        PEOPLES => &[
            "Chủ tịch",
            "Phó Chủ tịch",
            "Phó Chủ tịch",
            "Chánh Văn phòng",
            "Ủy viên",
        ],
        COUNCIL => &[
            "Chủ tịch",
            "Phó Chủ tịch",
            "Trưởng Ban Kinh tế - Ngân sách",
            "Trưởng Ban Pháp chế",
            "Trưởng Ban Văn hóa - Xã hội",
            "Đại biểu",
        ],
        DEPARTMENT if name.starts_with("Sở ") => &[
            "Giám đốc",
            "Phó Giám đốc",
            "Phó Giám đốc",
            "Chánh Văn phòng",
            "Trưởng phòng Kế hoạch - Tài chính",
            "Chuyên viên",
        ],
        DEPARTMENT if name.starts_with("Thanh tra") => &["Chánh", "Phó Chánh", "Thanh tra viên"],
        DEPARTMENT => &["Trưởng", "Phó Trưởng", "Chuyên viên"],
        MASS if name.contains("đoàn") && !name.starts_with("Liên đoàn") => {
            &["Bí thư", "Phó Bí thư"]
        }
        MASS if name.starts_with("Ủy ban") => {
            &["Chủ tịch", "Phó Chủ tịch", "Ủy viên Thường trực"]
        }
        MASS => &["Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch"],
        ARMED if name.starts_with("Công an tỉnh") => {
            &["Giám đốc", "Phó Giám đốc", "Phó Giám đốc"]
        }
        ARMED if name.starts_with("Công an") => &["Trưởng", "Phó Trưởng"],
        ARMED => &["Chỉ huy trưởng", "Chính ủy", "Phó Chỉ huy trưởng"],
        SCHOOL => &["Hiệu trưởng", "Phó Hiệu trưởng", "Giáo viên", "Giáo viên"],
        HOSPITAL => &[
            "Giám đốc",
            "Phó Giám đốc",
            "Trưởng khoa Hồi sức tích cực",
            "Trưởng khoa Nội tổng hợp",
            "Bác sĩ",
            "Bác sĩ",
            "Điều dưỡng trưởng",
        ],
        COMPANY => &[
            "Giám đốc",
            "Tổng Giám đốc",
            "Chủ tịch Hội đồng quản trị",
            "Phó Giám đốc",
            "Kế toán trưởng",
            "Trưởng phòng Kinh doanh",
        ],
        _ if name.starts_with("Báo") => &["Tổng Biên tập", "Phó Tổng Biên tập", "Thư ký tòa soạn"],
        _ => &["Giám đốc", "Chủ tịch Hội đồng quản trị", "Phó Giám đốc"],
    }
}

/// Whether people of this kind of organization are called "đồng chí".
fn is_government(kind: &str) -> bool {
    matches!(kind, PARTY | PEOPLES | COUNCIL | DEPARTMENT | MASS | ARMED)
}

fn lowercase_first(text: &mut String) {
    if let Some(c) = text.chars().next()
        && c.is_uppercase()
    {
        let lower: String = c.to_lowercase().collect();
        text.replace_range(..c.len_utf8(), &lower);
    }
}

fn day(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::seconds(ZONE_SECS)).date_naive()
}

/// A full name: họ, tên đệm (sometimes two), tên.
pub fn person_name(d: &mut Dice, male: bool) -> String {
    let surname = d.pick_weighted(SURNAMES);
    let (middles, givens) = if male {
        (MALE_MIDDLE, MALE_GIVEN)
    } else {
        (FEMALE_MIDDLE, FEMALE_GIVEN)
    };
    let middle = d.pick(middles);
    let mut given = d.pick(givens);
    if given == middle {
        given = d.pick(givens);
    }
    if d.chance(0.12) {
        let second = d.pick(middles);
        if second != middle && second != given {
            return format!("{surname} {middle} {second} {given}");
        }
    }
    format!("{surname} {middle} {given}")
}

/// Builds the graph and the rows to insert.
pub fn build(
    d: &mut Dice,
    plan: &Plan,
    sections: Vec<SectionRef>,
    existing: &mut Existing,
    anchor: DateTime<Utc>,
) -> (World, Rows) {
    let mut world = World {
        anchor,
        start: anchor - Duration::days(3652),
        sections,
        districts: Vec::new(),
        communes: Vec::new(),
        orgs: Vec::new(),
        schools: Vec::new(),
        hospitals: Vec::new(),
        companies: Vec::new(),
        hosts: HOSTS,
        people: Vec::new(),
        officials: Vec::new(),
        citizens: Vec::new(),
        reporters: Vec::new(),
        reporters_by_theme: vec![Vec::new(); Theme::ALL.len()],
        events: Vec::new(),
        events_by_theme: vec![Vec::new(); Theme::ALL.len()],
        tags: Vec::new(),
        tags_by_theme: vec![Vec::new(); Theme::ALL.len()],
        general_tags: Vec::new(),
    };
    let mut rows = Rows::default();
    geography(d, plan, &mut world);
    organizations(d, plan, &mut world, &mut rows, existing);
    people(d, plan, &mut world, &mut rows, existing);
    events(d, plan, &mut world, &mut rows, existing);
    tags(plan, &mut world, &mut rows, existing);
    (world, rows)
}

fn place_name(d: &mut Dice, taken: &mut HashSet<String>) -> String {
    loop {
        let first = d.pick(PLACE_FIRST);
        let second = d.pick(PLACE_SECOND);
        if first == second {
            continue;
        }
        let name = format!("{first} {second}");
        if taken.insert(name.clone()) || taken.len() > 1500 {
            return name;
        }
    }
}

fn geography(d: &mut Dice, plan: &Plan, world: &mut World) {
    let count = (plan.organizations / 45).clamp(8, 40);
    let mut taken = HashSet::new();
    let mut cities = 0;
    for i in 0..count {
        let name = place_name(d, &mut taken);
        let kind = match d.below(100) {
            0..=7 if cities < 2 => {
                cities += 1;
                "thành phố"
            }
            8..=19 => "thị xã",
            _ => "huyện",
        };
        let urban = kind != "huyện";
        let mut local = HashSet::new();
        let mut communes = Vec::new();
        for c in 0..d.between(6, 18) {
            let commune = place_name(d, &mut local);
            let unit = if urban && d.chance(0.6) {
                "phường"
            } else if !urban && c == 0 {
                "thị trấn"
            } else {
                "xã"
            };
            communes.push(world.communes.len());
            world.communes.push(Commune {
                label: format!("{unit} {commune}"),
                name: commune,
                district: i,
            });
        }
        world.districts.push(District {
            label: format!("{kind} {name}"),
            name,
            communes,
            committee: None,
        });
    }
}

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

fn organizations(
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

fn people(d: &mut Dice, plan: &Plan, world: &mut World, rows: &mut Rows, existing: &mut Existing) {
    let anchor = world.anchor;
    let add_person = |world: &mut World,
                      rows: &mut Rows,
                      existing: &mut Existing,
                      name: String,
                      male: bool,
                      official: bool,
                      title: String,
                      honorific: Option<&str>,
                      bio: Option<String>,
                      at: DateTime<Utc>| {
        let slug = slug::unique_slug(&slug::slugify(&name), |s| existing.person_slugs.contains(s));
        existing.person_slugs.insert(slug.clone());
        let id = existing.next_person;
        existing.next_person += 1;
        rows.people.push(person::ActiveModel {
            id: Set(id),
            full_name: Set(name.clone()),
            slug: Set(slug),
            honorific: Set(honorific.map(str::to_owned)),
            bio: Set(bio),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        });
        world.people.push(Person {
            id,
            name,
            male,
            official,
            title,
        });
        world.people.len() - 1
    };
    let add_position = |rows: &mut Rows,
                        existing: &mut Existing,
                        person_id: i64,
                        org_id: i64,
                        title: String,
                        from: NaiveDate,
                        to: Option<NaiveDate>| {
        let id = existing.next_position;
        existing.next_position += 1;
        rows.positions.push(position::ActiveModel {
            id: Set(id),
            person_id: Set(person_id),
            organization_id: Set(org_id),
            title: Set(title),
            start_date: Set(from),
            end_date: Set(to),
        });
    };

    // The newsroom's reporters, each on a beat.
    for i in 0..plan.reporters {
        let theme = Theme::ALL[i % Theme::ALL.len()];
        let male = d.chance(0.55);
        let name = if d.chance(0.5) {
            // A pen name: "Thanh Thúy", "Quang Đạt".
            let (middles, givens) = if male {
                (&MALE_MIDDLE[3..], MALE_GIVEN)
            } else {
                (&FEMALE_MIDDLE[3..], FEMALE_GIVEN)
            };
            format!("{} {}", d.pick(middles), d.pick(givens))
        } else {
            person_name(d, male)
        };
        let desk = match theme {
            Theme::Politics | Theme::Defense => DESKS[0],
            Theme::Economy | Theme::Agriculture | Theme::Business => DESKS[1],
            Theme::Society | Theme::Education | Theme::Health | Theme::Culture => DESKS[2],
            Theme::Law => DESKS[3],
            Theme::Sports => DESKS[4],
        };
        let title = if d.chance(0.08) {
            "Phóng viên ảnh".to_owned()
        } else {
            format!("Phóng viên {desk}")
        };
        let bio = format!("Phóng viên theo dõi mảng {}.", theme.words().beat);
        let joined = anchor - Duration::days(d.between(400, 15 * 365));
        let index = add_person(
            world,
            rows,
            existing,
            name,
            male,
            false,
            title.clone(),
            None,
            Some(bio),
            joined,
        );
        let person_id = world.people[index].id;
        let newsroom_id = world.orgs[NEWSROOM].id;
        if d.chance(0.3) {
            let from = joined - Duration::days(d.between(200, 900));
            add_position(
                rows,
                existing,
                person_id,
                newsroom_id,
                format!("Cộng tác viên {desk}"),
                day(from),
                Some(day(joined - Duration::days(1))),
            );
        }
        add_position(
            rows,
            existing,
            person_id,
            newsroom_id,
            title,
            day(joined),
            None,
        );
        world.reporters.push(index);
        world.reporters_by_theme[theme.index()].push(index);
    }

    // Officials (the heads of every organization first) and citizens.
    let others = plan.people.saturating_sub(plan.reporters).max(1);
    let org_count = world.orgs.len();
    for j in 0..others {
        let leader = j < org_count && j * 10 < others * 9;
        let citizen = !leader && d.chance(0.15);
        let male = if citizen {
            d.chance(0.5)
        } else {
            d.chance(0.7)
        };
        let name = person_name(d, male);
        let created = world.start - Duration::days(d.between(0, 365));
        if citizen {
            let commune = d.below(world.communes.len());
            let district = world.communes[commune].district;
            let template = d.pick(CITIZENS);
            let desc = template
                .replace("{commune}", &world.communes[commune].label)
                .replace("{district}", &world.districts[district].label);
            let mut bio = desc.clone();
            capitalize(&mut bio);
            bio.push('.');
            let index = add_person(
                world,
                rows,
                existing,
                name,
                male,
                false,
                desc,
                None,
                Some(bio),
                created,
            );
            world.citizens.push(index);
            continue;
        }
        let (org, rank) = if leader {
            (j, 0)
        } else {
            let org = d.skewed(org_count);
            let len = ranks(&world.orgs[org].name, world.orgs[org].kind).len();
            (org, 1 + d.below(len - 1))
        };
        // The latest position first, then the career before it.
        let mut career: Vec<(usize, usize, NaiveDate, Option<NaiveDate>)> = Vec::new();
        let last_start = anchor - Duration::days(d.between(30, 9 * 365));
        let last_end = if d.chance(0.2) {
            let end = last_start + Duration::days(d.between(180, 6 * 365));
            (end < anchor - Duration::days(1)).then(|| day(end))
        } else {
            None
        };
        career.push((org, rank, day(last_start), last_end));
        let mut before = last_start - Duration::days(1);
        for _ in 0..d.weighted(&[50, 35, 15]) {
            let start = before - Duration::days(d.between(365, 6 * 365));
            let (o, r) = if d.chance(0.5) {
                let len = ranks(&world.orgs[org].name, world.orgs[org].kind).len();
                (org, (rank + 1 + d.below(2)).min(len - 1))
            } else {
                let o = d.skewed(org_count);
                let len = ranks(&world.orgs[o].name, world.orgs[o].kind).len();
                (o, 1 + d.below(len - 1))
            };
            career.push((o, r, day(start), Some(day(before))));
            before = start - Duration::days(1);
        }
        let title_of = |world: &World, o: usize, r: usize| {
            let org = &world.orgs[o];
            format!("{} {}", ranks(&org.name, org.kind)[r], org.name)
        };
        let latest = title_of(world, org, rank);
        let display = if last_end.is_some() {
            format!("nguyên {latest}")
        } else {
            latest
        };
        let kind = world.orgs[org].kind;
        let honorific = is_government(kind).then_some("Đồng chí");
        let bio = d.chance(0.4).then(|| {
            let commune = d.below(world.communes.len());
            let district = world.communes[commune].district;
            let mut bio = format!(
                "{display}. Sinh năm {}, quê {}, {}.",
                d.between(1962, 1992),
                world.communes[commune].label,
                world.districts[district].label
            );
            capitalize(&mut bio);
            bio
        });
        let index = add_person(
            world, rows, existing, name, male, true, display, honorific, bio, created,
        );
        let person_id = world.people[index].id;
        for (o, r, from, to) in career.into_iter().rev() {
            let title = title_of(world, o, r);
            let org_id = world.orgs[o].id;
            add_position(rows, existing, person_id, org_id, title, from, to);
        }
        world.officials.push(index);
    }
}

/// Random instants between `from` and `to` during the newsroom's working
/// day (06:00–22:00 local), in time order.
pub fn working_times(
    d: &mut Dice,
    n: usize,
    from: DateTime<Utc>,
    days: i64,
    hours: (i64, i64),
) -> Vec<DateTime<Utc>> {
    let midnight = from - Duration::seconds(ZONE_SECS);
    let mut secs: Vec<i64> = (0..n)
        .map(|_| d.between(0, days - 1) * 86_400 + d.between(hours.0 * 3600, hours.1 * 3600 - 1))
        .collect();
    secs.sort_unstable();
    secs.into_iter()
        .map(|s| midnight + Duration::seconds(s))
        .collect()
}

fn theme_weights(world: &World) -> [u32; 11] {
    let mut weights = [0u32; 11];
    for s in &world.sections {
        weights[s.theme.index()] += s.weight;
    }
    if weights.iter().all(|w| *w == 0) {
        weights = [1; 11];
    }
    weights
}

fn events(d: &mut Dice, plan: &Plan, world: &mut World, rows: &mut Rows, existing: &mut Existing) {
    let weights = theme_weights(world);
    let times = working_times(d, plan.events, world.start, 3652, (7, 17));
    let mut events = Vec::with_capacity(times.len());
    let mut by_theme: Vec<Vec<usize>> = vec![Vec::new(); Theme::ALL.len()];
    for starts_at in times {
        let theme = Theme::ALL[d.weighted(&weights)];
        let commune = d.below(world.communes.len());
        let district = world.communes[commune].district;
        let mut orgs = vec![world.hosts[theme.index()]];
        if let Some(committee) = world.districts[district].committee
            && d.chance(0.5)
        {
            orgs.push(committee);
        }
        for _ in 0..d.below(3) {
            let o = world.some_org(d);
            if !orgs.contains(&o) {
                orgs.push(o);
            }
        }
        let mut people = Vec::new();
        for _ in 0..d.between(2, 6) {
            if world.officials.is_empty() {
                break;
            }
            let p = world.officials[d.skewed(world.officials.len())];
            if !people.contains(&p) {
                people.push(p);
            }
        }
        if !world.citizens.is_empty() && d.chance(0.3) {
            people.push(*d.pick(&world.citizens));
        }
        let year = (starts_at + Duration::seconds(ZONE_SECS)).year();
        let mut writer = Writer::new(world, theme, year, orgs.clone(), people.clone());
        writer.place(district, commune);
        let words = theme.words();
        let mut name = writer.line_from(d, words.events);
        let mut slug = slug::slugify(&name);
        for _ in 0..3 {
            if !existing.event_slugs.contains(&slug) {
                break;
            }
            name = writer.line_from(d, words.events);
            slug = slug::slugify(&name);
        }
        let slug = slug::unique_slug(&slug, |s| existing.event_slugs.contains(s));
        existing.event_slugs.insert(slug.clone());
        let mut what = name.clone();
        lowercase_first(&mut what);
        let summary = format!(
            "{} tổ chức {what}, với sự tham dự của {} đại biểu.",
            world.orgs[orgs[0]].name,
            d.between(50, 400)
        );
        let location = writer.line_from(d, LOCATIONS);
        let ends_at = if d.chance(0.1) {
            starts_at + Duration::days(d.between(1, 3))
        } else {
            starts_at + Duration::minutes(d.between(90, 240))
        };
        let id = existing.next_event;
        existing.next_event += 1;
        let created = starts_at - Duration::days(d.between(1, 20));
        rows.events.push(event::ActiveModel {
            id: Set(id),
            name: Set(name.clone()),
            slug: Set(slug),
            summary: Set(Some(summary)),
            starts_at: Set(starts_at),
            ends_at: Set(Some(ends_at)),
            location: Set(Some(location)),
            created_at: Set(created),
            updated_at: Set(created),
            version: Set(1),
        });
        for (k, p) in people.iter().enumerate() {
            rows.event_people.push(event_person::ActiveModel {
                event_id: Set(id),
                person_id: Set(world.people[*p].id),
                role: Set((k == 0).then(|| "chủ trì".to_owned())),
            });
        }
        for o in &orgs {
            rows.event_organizations
                .push(event_organization::ActiveModel {
                    event_id: Set(id),
                    organization_id: Set(world.orgs[*o].id),
                });
        }
        by_theme[theme.index()].push(events.len());
        events.push(Event {
            id,
            name,
            starts_at,
            people,
            orgs,
            district,
            commune,
        });
    }
    world.events = events;
    world.events_by_theme = by_theme;
}

fn tags(plan: &Plan, world: &mut World, rows: &mut Rows, existing: &mut Existing) {
    // The most common tags first, so a small archive gets the obvious ones.
    let mut candidates: Vec<(String, Option<Theme>)> = Vec::new();
    let longest = Theme::ALL
        .iter()
        .map(|t| t.words().tags.len())
        .max()
        .unwrap_or(0);
    for i in 0..longest {
        for theme in Theme::ALL {
            if let Some(tag) = theme.words().tags.get(i) {
                candidates.push(((*tag).to_owned(), Some(theme)));
            }
        }
    }
    for topic in GENERIC_TOPICS {
        let mut name = (*topic).to_owned();
        capitalize(&mut name);
        candidates.push((name, None));
    }
    let last_year = world.anchor.year();
    for year in (last_year - 10..=last_year).rev() {
        candidates.push((format!("Tết Nguyên đán {year}"), Some(Theme::Society)));
        candidates.push((
            format!("Thi tốt nghiệp THPT {year}"),
            Some(Theme::Education),
        ));
        candidates.push((format!("Kinh tế - xã hội {year}"), Some(Theme::Economy)));
    }
    for district in &world.districts {
        candidates.push((district.name.clone(), None));
    }
    for product in PRODUCTS {
        let mut name = (*product).to_owned();
        capitalize(&mut name);
        candidates.push((name, Some(Theme::Agriculture)));
    }
    for sport in SPORTS {
        let mut name = (*sport).to_owned();
        capitalize(&mut name);
        candidates.push((name, Some(Theme::Sports)));
    }
    for commune in &world.communes {
        candidates.push((commune.name.clone(), None));
    }
    let mut seen = HashSet::new();
    for (name, theme) in candidates {
        if world.tags.len() >= plan.tags {
            break;
        }
        let slug = slug::slugify(&name);
        if slug.is_empty() || !seen.insert(slug.clone()) {
            continue;
        }
        let id = match existing.tags.get(&slug) {
            Some(id) => {
                rows.reused_tags += 1;
                *id
            }
            None => {
                let id = existing.next_tag;
                existing.next_tag += 1;
                rows.tags.push(tag::ActiveModel {
                    id: Set(id),
                    name: Set(name),
                    slug: Set(slug),
                    version: Set(1),
                });
                id
            }
        };
        let index = world.tags.len();
        match theme {
            Some(theme) => world.tags_by_theme[theme.index()].push(index),
            None => world.general_tags.push(index),
        }
        world.tags.push(Tag { id });
    }
}
