//! Renditions and placeholders from a decoded photo: crop (cover, around
//! the focal point), resize (Lanczos3, SIMD), encode. A rendition is never
//! larger than the photo: asked for more, it keeps the photo's pixels.

use std::{borrow::Cow, io::Cursor};

use base64::Engine;
use fast_image_resize::{
    PixelType, ResizeAlg, ResizeOptions, Resizer,
    images::{Image, ImageRef},
};
use image::{
    DynamicImage, ExtendedColorType, ImageEncoder,
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
};

use super::spec::{Fit, Format, Spec};

/// JPEG and WebP quality: the usual newsroom trade-off (visually clean,
/// about a tenth of the original's bytes at the same size).
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 80.0;
/// The placeholder's longest side, in pixels.
const PLACEHOLDER_SIDE: u32 = 24;

/// Where a cover crop centres, from the left and the top (0–1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Focal {
    pub x: f64,
    pub y: f64,
}

impl Default for Focal {
    fn default() -> Self {
        Self { x: 0.5, y: 0.5 }
    }
}

/// A rendition's bytes and size.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The size `spec` gives a `width`×`height` photo (never enlarged), and
/// the part of the photo it shows: (left, top, width, height).
pub fn plan(width: u32, height: u32, spec: &Spec, focal: Focal) -> ((u32, u32), [f64; 4]) {
    let (sw, sh) = (f64::from(width), f64::from(height));
    let whole = [0.0, 0.0, sw, sh];
    let (w, h) = (f64::from(spec.width), f64::from(spec.height));
    let size = |x: f64, y: f64| ((x.round().max(1.0)) as u32, (y.round().max(1.0)) as u32);
    match spec.fit {
        Fit::Width => {
            let tw = w.min(sw);
            (size(tw, sh * tw / sw), whole)
        }
        Fit::Contain => {
            let scale = (w / sw).min(h / sh).min(1.0);
            (size(sw * scale, sh * scale), whole)
        }
        Fit::Cover => {
            let ratio = w / h;
            let (cw, ch) = if sw / sh > ratio {
                (sh * ratio, sh)
            } else {
                (sw, sw / ratio)
            };
            let left = (focal.x.clamp(0.0, 1.0) * sw - cw / 2.0).clamp(0.0, sw - cw);
            let top = (focal.y.clamp(0.0, 1.0) * sh - ch / 2.0).clamp(0.0, sh - ch);
            let out = if w <= cw { size(w, h) } else { size(cw, ch) };
            (out, [left, top, cw, ch])
        }
    }
}

/// Renders `image` as `spec` asks.
pub fn render(image: &DynamicImage, spec: &Spec, focal: Focal) -> Result<Rendered, String> {
    let ((width, height), crop) = plan(image.width(), image.height(), spec, focal);
    let alpha = image.color().has_alpha() && spec.format != Format::Jpeg;
    let resized = resize(image, alpha, (width, height), crop)?;
    let bytes = encode(&resized, alpha, width, height, spec.format)?;
    Ok(Rendered {
        bytes,
        width,
        height,
    })
}

/// A tiny JPEG of the photo as a `data:` URL: shown scaled up (blurred by
/// the scaling) while the real image loads.
pub fn placeholder(image: &DynamicImage) -> Result<String, String> {
    let (w, h) = (image.width().max(1), image.height().max(1));
    let scale = f64::from(PLACEHOLDER_SIDE) / f64::from(w.max(h));
    let size = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let whole = [0.0, 0.0, f64::from(w), f64::from(h)];
    let pixels = resize(image, false, size, whole)?;
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 40)
        .write_image(&pixels, size.0, size.1, ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    ))
}

/// RGB (or RGBA) pixels of the `crop` of `image`, resized to `size`.
fn resize(
    image: &DynamicImage,
    alpha: bool,
    size: (u32, u32),
    crop: [f64; 4],
) -> Result<Vec<u8>, String> {
    // A decoded photo is usually RGB8 already: resize it in place rather
    // than copy 36 MB per 12-megapixel photo.
    let (source, pixel_type): (Cow<'_, [u8]>, _) = match image {
        DynamicImage::ImageRgba8(buf) if alpha => (Cow::Borrowed(buf.as_raw()), PixelType::U8x4),
        DynamicImage::ImageRgb8(buf) if !alpha => (Cow::Borrowed(buf.as_raw()), PixelType::U8x3),
        _ if alpha => (Cow::Owned(image.to_rgba8().into_raw()), PixelType::U8x4),
        _ if image.color().has_alpha() => (Cow::Owned(over_white(image)), PixelType::U8x3),
        _ => (Cow::Owned(image.to_rgb8().into_raw()), PixelType::U8x3),
    };
    let source = ImageRef::new(image.width(), image.height(), &source, pixel_type)
        .map_err(|e| e.to_string())?;
    let mut target = Image::new(size.0, size.1, pixel_type);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(
            fast_image_resize::FilterType::Lanczos3,
        ))
        .crop(crop[0], crop[1], crop[2], crop[3]);
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| e.to_string())?;
    Ok(target.into_vec())
}

/// A transparent image laid on white (JPEG has no alpha; black would
/// show through where a logo is transparent).
fn over_white(image: &DynamicImage) -> Vec<u8> {
    let rgba = image.to_rgba8();
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.pixels() {
        let a = u16::from(px[3]);
        for c in &px.0[..3] {
            rgb.push(((u16::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    rgb
}

fn encode(pixels: &[u8], alpha: bool, w: u32, h: u32, format: Format) -> Result<Vec<u8>, String> {
    let color = if alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match format {
        Format::Jpeg => JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .write_image(pixels, w, h, color)
            .map_err(|e| e.to_string())?,
        Format::Png => PngEncoder::new(Cursor::new(&mut out))
            .write_image(pixels, w, h, color)
            .map_err(|e| e.to_string())?,
        Format::Webp => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(pixels, w, h)
            } else {
                webp::Encoder::from_rgb(pixels, w, h)
            };
            let encoded = encoder
                .encode_simple(false, WEBP_QUALITY)
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            out.extend_from_slice(&encoded);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(width: u32, height: u32, fit: Fit) -> Spec {
        Spec {
            width,
            height,
            fit,
            format: Format::Jpeg,
        }
    }

    #[test]
    fn renditions_are_never_enlarged() {
        let (size, _) = plan(400, 300, &spec(640, 0, Fit::Width), Focal::default());
        assert_eq!(size, (400, 300));
        let (size, _) = plan(4000, 3000, &spec(640, 0, Fit::Width), Focal::default());
        assert_eq!(size, (640, 480));
        let (size, _) = plan(4000, 3000, &spec(640, 640, Fit::Contain), Focal::default());
        assert_eq!(size, (640, 480));
    }

    #[test]
    fn cover_crops_follow_the_focal_point() {
        let left = Focal { x: 0.0, y: 0.5 };
        let (size, crop) = plan(4000, 3000, &spec(640, 640, Fit::Cover), left);
        assert_eq!(size, (640, 640));
        assert_eq!(crop, [0.0, 0.0, 3000.0, 3000.0]);
        let right = Focal { x: 0.9, y: 0.5 };
        let (_, crop) = plan(4000, 3000, &spec(640, 640, Fit::Cover), right);
        assert_eq!(crop[0], 1000.0, "clamped to the photo's right edge");
        let (_, crop) = plan(4000, 3000, &spec(640, 360, Fit::Cover), Focal::default());
        assert_eq!(crop, [0.0, 375.0, 4000.0, 2250.0]);
    }

    #[test]
    fn every_format_encodes() {
        let image = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            64,
            48,
            image::Rgba([10, 120, 200, 128]),
        ));
        for format in [Format::Jpeg, Format::Webp, Format::Png] {
            let s = Spec {
                width: 32,
                height: 0,
                fit: Fit::Width,
                format,
            };
            let out = render(&image, &s, Focal::default()).unwrap();
            assert_eq!((out.width, out.height), (32, 24));
            let guessed = image::guess_format(&out.bytes).unwrap();
            assert_eq!(guessed.to_mime_type(), format.mime());
        }
        let lqip = placeholder(&image).unwrap();
        assert!(lqip.starts_with("data:image/jpeg;base64,") && lqip.len() < 2000);
    }
}
