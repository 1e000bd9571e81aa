//! What an upload is, read from its bytes (never from its name or the
//! client's content type): a JPEG, PNG, WebP or GIF whose header promises
//! no more pixels than allowed, that decodes to the end. A decompression
//! bomb — a small file declaring a huge pixel count — is refused from its
//! header, before anything is allocated for its pixels.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};

/// How big an image may be.
#[derive(Clone, Copy, Debug)]
pub struct PixelLimits {
    /// Width × height, after nothing is decoded yet.
    pub max_pixels: u64,
}

impl PixelLimits {
    /// The decoder's own limits: each side at most the pixel budget's
    /// square root times four (a panorama passes, a 1×10⁹ strip does not),
    /// and allocations bounded by the budget at 8 bytes a pixel.
    fn decoder_limits(&self) -> image::Limits {
        // Never below 16,384: the pixel budget, checked first, says more.
        let side =
            ((self.max_pixels as f64).sqrt() * 4.0).clamp(16_384.0, f64::from(u32::MAX)) as u32;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(side);
        limits.max_image_height = Some(side);
        limits.max_alloc = Some(self.max_pixels.saturating_mul(8).max(64 * 1024 * 1024));
        limits
    }
}

/// An image that passed every check, decoded and turned upright.
#[derive(Debug)]
pub struct Decoded {
    pub format: ImageFormat,
    /// EXIF orientation of the file (1–8): already applied to `image`.
    pub orientation: u8,
    pub image: DynamicImage,
}

impl Decoded {
    pub fn mime(&self) -> &'static str {
        mime_of(self.format)
    }
}

/// The MIME type of an accepted format.
pub fn mime_of(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "image/png",
        ImageFormat::WebP => "image/webp",
        ImageFormat::Gif => "image/gif",
        _ => "image/jpeg",
    }
}

/// Decodes `bytes` whole (a truncated file fails here) within `limits`,
/// and applies its EXIF orientation. The error says what is wrong in
/// words a client can act on.
pub fn decode(bytes: &[u8], limits: &PixelLimits) -> Result<Decoded, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("unreadable image: {e}"))?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif)) => {
            f
        }
        _ => return Err("not a JPEG, PNG, WebP or GIF image".to_owned()),
    };
    // The JPEG decoder fills a cut-off scan with grey: look for its end.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err("the image is truncated or corrupt: the JPEG has no end marker".to_owned());
    }
    let mut reader = reader;
    reader.limits(limits.decoder_limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("not a valid {format:?} image: {e}"))?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 {
        return Err("the image has no pixels".to_owned());
    }
    if pixels > limits.max_pixels {
        return Err(format!(
            "the image is {width}×{height} pixels; at most {} megapixels are accepted",
            limits.max_pixels / 1_000_000
        ));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("the image is truncated or corrupt: {e}"))?;
    image.apply_orientation(orientation);
    Ok(Decoded {
        format,
        orientation: orientation.to_exif(),
        image,
    })
}

/// Whether a JPEG's scan data ends with an EOI marker (`FF D9`). The
/// header segments are skipped by their lengths (an EXIF thumbnail holds
/// markers of its own); inside the scan, a data byte `FF` is always
/// followed by `00` or a restart marker, so `FF D9` is the real end. Data
/// after it (a phone's motion-photo trailer) is allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
        if marker == 0xDA {
            // Scans (progressive JPEGs have several) run to EOI.
            return bytes
                .get(at.min(bytes.len())..)
                .is_some_and(|rest| rest.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PixelLimits = PixelLimits {
        max_pixels: 50_000_000,
    };

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn an_image_is_known_by_its_bytes() {
        let decoded = decode(&png(30, 20), &LIMITS).unwrap();
        assert_eq!(decoded.format, ImageFormat::Png);
        assert_eq!((decoded.image.width(), decoded.image.height()), (30, 20));
        assert!(decode(b"GIF89a but not really", &LIMITS).is_err());
        assert!(decode("Dân biết, dân bàn".as_bytes(), &LIMITS).is_err());
    }

    #[test]
    fn a_jpeg_is_complete_with_its_end_marker() {
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb([1, 2, 3]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        let jpeg = out.into_inner();
        assert!(jpeg_is_complete(&jpeg));
        assert!(!jpeg_is_complete(&jpeg[..jpeg.len() - 2]));
        assert!(!jpeg_is_complete(&jpeg[..40]));
    }

    #[test]
    fn truncated_and_oversized_images_are_refused() {
        let whole = png(300, 200);
        let err = decode(&whole[..whole.len() / 2], &LIMITS).unwrap_err();
        assert!(err.contains("truncated"), "{err}");
        let small = PixelLimits { max_pixels: 1000 };
        let err = decode(&whole, &small).unwrap_err();
        assert!(err.contains("300×200"), "{err}");
    }
}
