//! What a rendition is: a width from the configured set, a height that
//! is 0 (keep the photo's ratio) or that width at a configured aspect
//! ratio, a fit and a format. The set is bounded — at most
//! widths × (ratios + 1) × fits × formats variants per photo — so nobody
//! can make the server render a million of them.

use std::fmt;

/// How a rendition fills its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fit {
    /// Fills the box exactly, cropping around the focal point.
    Cover,
    /// Fits inside the box, nothing cropped (one side may be shorter).
    Contain,
    /// The width alone; the height keeps the photo's ratio.
    Width,
}

/// The encoding of a rendition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Webp,
    Png,
}

impl Fit {
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::Cover => "cover",
            Fit::Contain => "contain",
            Fit::Width => "width",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "cover" => Some(Fit::Cover),
            "contain" => Some(Fit::Contain),
            "width" => Some(Fit::Width),
            _ => None,
        }
    }
}

impl Format {
    /// The file extension in rendition URLs.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
            Format::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::Png => "image/png",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// One rendition of a photo, as its URL names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Spec {
    pub width: u32,
    /// 0: the photo's own ratio (only with [`Fit::Width`]).
    pub height: u32,
    pub fit: Fit,
    pub format: Format,
}

impl fmt::Display for Spec {
    /// The URL path below `/media/{id}/`: `640x360/cover.webp`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}x{}/{}.{}",
            self.width,
            self.height,
            self.fit.as_str(),
            self.format.extension()
        )
    }
}

/// The renditions this deployment allows (`MEDIA_WIDTHS`,
/// `MEDIA_ASPECT_RATIOS`).
#[derive(Clone, Debug)]
pub struct Rules {
    widths: Vec<u32>,
    ratios: Vec<(u32, u32)>,
}

impl Rules {
    /// The allowed widths (sorted, deduplicated) and aspect ratios.
    pub fn new(mut widths: Vec<u32>, ratios: Vec<(u32, u32)>) -> Self {
        widths.retain(|w| *w > 0);
        widths.sort_unstable();
        widths.dedup();
        Self { widths, ratios }
    }

    /// The allowed widths, smallest first.
    pub fn widths(&self) -> &[u32] {
        &self.widths
    }

    /// Parses `{width}x{height}` and `{fit}.{format}` of a rendition URL,
    /// refusing what the rules do not allow (the message says why).
    pub fn parse(&self, size: &str, file: &str) -> Result<Spec, String> {
        let spec = parts(size, file)?;
        self.check(&spec)?;
        Ok(spec)
    }

    /// The allowed rendition a URL means when only its fit and height
    /// disagree (`width` with a height, `cover` or `contain` without
    /// one): clients are redirected there. `None` for anything else.
    pub fn canonical(&self, size: &str, file: &str) -> Option<Spec> {
        let spec = parts(size, file).ok()?;
        let meant = match (spec.fit, spec.height) {
            (Fit::Width, h) if h > 0 && self.ratio_height(spec.width, h).is_some() => {
                Spec { height: 0, ..spec }
            }
            (Fit::Cover | Fit::Contain, 0) => Spec {
                fit: Fit::Width,
                ..spec
            },
            _ => return None,
        };
        self.check(&meant).ok().map(|()| meant)
    }

    /// Every allowed `{width}x{height}` (height 0 first), for the OpenAPI
    /// document.
    pub fn sizes(&self) -> Vec<String> {
        let mut sizes = Vec::new();
        for w in &self.widths {
            sizes.push(format!("{w}x0"));
            for (p, q) in &self.ratios {
                let size = format!("{w}x{}", at_ratio(*w, *p, *q));
                if !sizes.contains(&size) {
                    sizes.push(size);
                }
            }
        }
        sizes
    }

    /// Whether `spec` is one of the allowed renditions.
    pub fn check(&self, spec: &Spec) -> Result<(), String> {
        if !self.widths.contains(&spec.width) {
            return Err(format!(
                "width {} is not one of the allowed widths {:?}",
                spec.width, self.widths
            ));
        }
        match (spec.fit, spec.height) {
            (Fit::Width, 0) => Ok(()),
            (Fit::Width, _) => Err("fit `width` takes height 0".to_owned()),
            (_, 0) => Err(format!("fit `{}` needs a height", spec.fit.as_str())),
            (_, height) if self.ratio_height(spec.width, height).is_some() => Ok(()),
            (_, height) => Err(format!(
                "{}x{height} is not an allowed aspect ratio ({})",
                spec.width,
                self.ratio_names()
            )),
        }
    }

    /// A spec for what a client asked: the width rounded up to the next
    /// allowed one (the largest when beyond), the height to that width at
    /// the allowed ratio nearest to the asked one.
    pub fn snap(&self, width: u32, height: Option<u32>, fit: Fit, format: Format) -> Spec {
        let snapped = self
            .widths
            .iter()
            .copied()
            .find(|w| *w >= width)
            .or_else(|| self.widths.last().copied())
            .unwrap_or(width.max(1));
        let height = match (fit, height) {
            (Fit::Width, _) | (_, None) | (_, Some(0)) => None,
            (_, Some(height)) => self.nearest_ratio(width.max(1), height),
        };
        match height {
            Some((p, q)) => Spec {
                width: snapped,
                height: at_ratio(snapped, p, q),
                fit,
                format,
            },
            None => Spec {
                width: snapped,
                height: 0,
                fit: Fit::Width,
                format,
            },
        }
    }

    fn nearest_ratio(&self, width: u32, height: u32) -> Option<(u32, u32)> {
        let asked = f64::from(width) / f64::from(height);
        self.ratios.iter().copied().min_by(|a, b| {
            let da = (f64::from(a.0) / f64::from(a.1) - asked).abs();
            let db = (f64::from(b.0) / f64::from(b.1) - asked).abs();
            da.total_cmp(&db)
        })
    }

    fn ratio_height(&self, width: u32, height: u32) -> Option<(u32, u32)> {
        self.ratios
            .iter()
            .copied()
            .find(|(p, q)| at_ratio(width, *p, *q) == height)
    }

    fn ratio_names(&self) -> String {
        let names: Vec<String> = self
            .ratios
            .iter()
            .map(|(p, q)| format!("{p}:{q}"))
            .collect();
        names.join(", ")
    }
}

/// `{width}x{height}` and `{fit}.{format}` as written, not yet checked
/// against the rules.
fn parts(size: &str, file: &str) -> Result<Spec, String> {
    let (width, height) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .ok_or_else(|| format!("`{size}` is not {{width}}x{{height}}"))?;
    let (fit, format) = file
        .split_once('.')
        .ok_or_else(|| format!("`{file}` is not {{fit}}.{{format}}"))?;
    let fit =
        Fit::parse(fit).ok_or_else(|| format!("fit `{fit}` is not cover, contain or width"))?;
    let format = Format::parse(format)
        .ok_or_else(|| format!("format `{format}` is not jpg, webp or png"))?;
    Ok(Spec {
        width,
        height,
        fit,
        format,
    })
}

/// The height of `width` at ratio `p:q`, rounded.
fn at_ratio(width: u32, p: u32, q: u32) -> u32 {
    ((u64::from(width) * u64::from(q) + u64::from(p) / 2) / u64::from(p)).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::new(vec![640, 320, 1280], vec![(16, 9), (1, 1), (4, 3)])
    }

    #[test]
    fn allowed_renditions_parse_and_print_back() {
        let spec = rules().parse("640x360", "cover.webp").unwrap();
        assert_eq!(spec.to_string(), "640x360/cover.webp");
        let spec = rules().parse("320x0", "width.jpeg").unwrap();
        assert_eq!(spec.to_string(), "320x0/width.jpg");
    }

    #[test]
    fn renditions_outside_the_rules_are_refused() {
        for (size, file) in [
            ("641x0", "width.jpg"),
            ("640x361", "cover.jpg"),
            ("640x360", "width.jpg"),
            ("640x0", "cover.jpg"),
            ("640x360", "cover.avif"),
            ("640x360", "stretch.jpg"),
            ("640", "cover.jpg"),
            ("-1x0", "width.jpg"),
            ("640x360", "cover"),
        ] {
            assert!(rules().parse(size, file).is_err(), "{size}/{file}");
        }
    }

    #[test]
    fn a_fit_and_height_that_disagree_have_a_canonical_url() {
        let r = rules();
        assert_eq!(
            r.canonical("640x360", "width.jpg").unwrap().to_string(),
            "640x0/width.jpg"
        );
        assert_eq!(
            r.canonical("640x0", "cover.webp").unwrap().to_string(),
            "640x0/width.webp"
        );
        assert_eq!(r.canonical("640x360", "cover.jpg"), None, "already valid");
        assert_eq!(r.canonical("641x0", "cover.jpg"), None, "no allowed width");
        assert_eq!(
            r.canonical("640x361", "width.jpg"),
            None,
            "no allowed ratio"
        );
        assert_eq!(r.sizes()[..4], ["320x0", "320x180", "320x320", "320x240"]);
    }

    #[test]
    fn asked_sizes_snap_to_allowed_ones() {
        let r = rules();
        let spec = r.snap(300, None, Fit::Width, Format::Webp);
        assert_eq!(spec.to_string(), "320x0/width.webp");
        let spec = r.snap(600, Some(340), Fit::Cover, Format::Jpeg);
        assert_eq!(spec.to_string(), "640x360/cover.jpg");
        let spec = r.snap(5000, Some(5000), Fit::Contain, Format::Png);
        assert_eq!(spec.to_string(), "1280x1280/contain.png");
        for asked in [1, 100, 641, 2000] {
            let spec = r.snap(asked, Some(asked / 2 + 1), Fit::Cover, Format::Jpeg);
            assert!(r.check(&spec).is_ok(), "{spec}");
        }
    }
}
