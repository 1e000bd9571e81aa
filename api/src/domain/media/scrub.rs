//! Metadata a newsroom must not publish: a phone's photo carries where it
//! was taken (EXIF GPS, XMP), the camera's serial number and more. The
//! stored original keeps its pixels byte for byte (no re-encoding) and
//! its colour profile, and loses every EXIF, XMP and IPTC block but the
//! orientation, which is written back alone.

use bytes::Bytes;
use image::ImageFormat;
use img_parts::{ImageEXIF, jpeg::Jpeg, png::Png, webp::WebP};

/// JPEG APP1 (EXIF and XMP) and APP13 (Photoshop's IPTC blocks).
const JPEG_APP1: u8 = 0xE1;
const JPEG_APP13: u8 = 0xED;

/// `bytes` without location or other metadata; `orientation` (EXIF 1–8)
/// survives as the only EXIF tag, so viewers still turn the photo right.
pub fn scrub(bytes: Bytes, format: ImageFormat, orientation: u8) -> Result<Bytes, String> {
    let kept = (orientation != 1).then(|| orientation_only_exif(orientation));
    let scrubbed = match format {
        ImageFormat::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(|e| e.to_string())?;
            jpeg.remove_segments_by_marker(JPEG_APP1);
            jpeg.remove_segments_by_marker(JPEG_APP13);
            jpeg.set_exif(kept);
            jpeg.encoder().bytes()
        }
        ImageFormat::Png => {
            let mut png = Png::from_bytes(bytes).map_err(|e| e.to_string())?;
            // Text chunks carry XMP (`XML:com.adobe.xmp`) and free text.
            for kind in [*b"eXIf", *b"iTXt", *b"tEXt", *b"zTXt"] {
                png.remove_chunks_by_type(kind);
            }
            png.set_exif(kept);
            png.encoder().bytes()
        }
        ImageFormat::WebP => {
            let mut webp = WebP::from_bytes(bytes).map_err(|e| e.to_string())?;
            webp.remove_chunks_by_id(*b"XMP ");
            webp.set_exif(kept);
            webp.encoder().bytes()
        }
        // GIF has no EXIF; its pixels and frames are kept as sent.
        _ => bytes,
    };
    Ok(scrubbed)
}

/// A TIFF structure (big-endian) with one IFD holding one entry:
/// Orientation (tag 0x0112, SHORT, count 1).
fn orientation_only_exif(orientation: u8) -> Bytes {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2a");
    tiff.extend_from_slice(&8u32.to_be_bytes()); // the IFD follows the header
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&u16::from(orientation).to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // value padded to four bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    Bytes::from(tiff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_orientation_reads_back() {
        let exif = orientation_only_exif(6);
        assert_eq!(
            image::metadata::Orientation::from_exif_chunk(&exif),
            Some(image::metadata::Orientation::Rotate90)
        );
    }
}
