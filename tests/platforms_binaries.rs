//! The release archives `make test-platforms` builds (`PLATFORM_DIST`): each zip holds one
//! binary named as Terraform expects, listed in SHA256SUMS; the macOS
//! binaries are Mach-O for the right CPU and minimum macOS, ad-hoc signed (the signature's page
//! hashes match the file) and linked only to system libraries; the Windows binary is a PE for
//! amd64 that needs no MinGW runtime DLL. Skipped (with a SKIPPED line) outside that target.

mod support;

use support::packages::*;
use support::platforms::*;

/// A sanity bound for the platform-test builds (no LTO, so larger than the release binaries,
/// which scripts/release.sh holds to 8 MiB).
const MAX_BINARY_BYTES: usize = 12 * 1024 * 1024;

#[test]
fn every_platform_is_packaged_and_summed() {
    let Some(dist) = dist("every_platform_is_packaged_and_summed") else {
        return;
    };
    let platforms = present(&dist, "every_platform_is_packaged_and_summed");
    for platform in &platforms {
        let binary = binary_of(&dist, platform);
        assert!(
            binary.len() <= MAX_BINARY_BYTES,
            "{platform}: {} bytes",
            binary.len()
        );
    }
    let mut wanted: Vec<String> = platforms.iter().map(|p| zip_name(p)).collect();
    wanted.push(manifest_name());
    wanted.sort();
    assert_eq!(checked_sums(&dist), wanted);
}

/// What a macOS binary must be for its platform.
struct MacExpect {
    platform: &'static str,
    cputype: u32,
    /// The newest minimum macOS version allowed, as (major, minor).
    newest_minimum: (u32, u32),
}

const MAC: [MacExpect; 2] = [
    MacExpect {
        platform: "darwin_amd64",
        cputype: goblin::mach::cputype::CPU_TYPE_X86_64,
        newest_minimum: (10, 12),
    },
    MacExpect {
        platform: "darwin_arm64",
        cputype: goblin::mach::cputype::CPU_TYPE_ARM64,
        newest_minimum: (11, 0),
    },
];

#[test]
fn macos_binaries_are_signed_mach_o_for_their_cpu_linking_only_system_libraries() {
    let Some(dist) = dist("macos_binaries_are_signed_mach_o") else {
        return;
    };
    use goblin::mach::load_command::CommandVariant;
    let platforms = present(&dist, "macos_binaries_are_signed_mach_o");
    for expect in MAC.iter().filter(|e| platforms.contains(&e.platform)) {
        let platform = expect.platform;
        let bytes = binary_of(&dist, platform);
        let macho = match goblin::mach::Mach::parse(&bytes).expect("a Mach-O file") {
            goblin::mach::Mach::Binary(m) => m,
            goblin::mach::Mach::Fat(_) => panic!("{platform}: a universal binary, not a thin one"),
        };
        assert_eq!(macho.header.cputype(), expect.cputype, "{platform}");
        assert_eq!(
            macho.header.filetype,
            goblin::mach::header::MH_EXECUTE,
            "{platform}"
        );

        let mut minimum = None;
        let mut signature = None;
        for lc in &macho.load_commands {
            match &lc.command {
                CommandVariant::BuildVersion(b) => minimum = Some(b.minos),
                CommandVariant::VersionMinMacosx(v) => minimum = Some(v.version),
                CommandVariant::CodeSignature(c) => signature = Some((c.dataoff, c.datasize)),
                _ => {}
            }
        }
        let minos = minimum.unwrap_or_else(|| panic!("{platform}: no minimum macOS version"));
        let (major, minor) = (minos >> 16, (minos >> 8) & 0xff);
        assert!(
            (major, minor) <= expect.newest_minimum,
            "{platform}: needs macOS {major}.{minor}"
        );

        let (off, size) = signature.unwrap_or_else(|| panic!("{platform}: no code signature"));
        let blob = &bytes[off as usize..(off + size) as usize];
        check_code_directory(platform, blob, &bytes);

        for lib in macho.libs.iter().filter(|l| **l != "self") {
            assert!(
                lib.starts_with("/usr/lib/") || lib.starts_with("/System/Library/"),
                "{platform}: links {lib}, which is not part of macOS"
            );
        }
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

/// The embedded signature is a SuperBlob holding a CodeDirectory whose code slots are the
/// SHA-256 of each page of the file up to its code limit: a signature for exactly these bytes.
fn check_code_directory(platform: &str, blob: &[u8], file: &[u8]) {
    const SUPERBLOB: u32 = 0xfade_0cc0;
    const CODE_DIRECTORY: u32 = 0xfade_0c02;
    const SHA256: u8 = 2;
    assert_eq!(be32(blob, 0), SUPERBLOB, "{platform}: signature magic");
    let count = be32(blob, 8) as usize;
    let cd_offset = (0..count)
        .map(|i| (be32(blob, 12 + i * 8), be32(blob, 16 + i * 8) as usize))
        .find(|(slot, _)| *slot == 0)
        .map(|(_, offset)| offset)
        .unwrap_or_else(|| panic!("{platform}: no CodeDirectory"));
    let cd = &blob[cd_offset..];
    assert_eq!(
        be32(cd, 0),
        CODE_DIRECTORY,
        "{platform}: CodeDirectory magic"
    );
    let hash_offset = be32(cd, 16) as usize;
    let n_code_slots = be32(cd, 28) as usize;
    let code_limit = be32(cd, 32) as usize;
    let hash_size = cd[36] as usize;
    let hash_type = cd[37];
    let page_size = 1usize << cd[39];
    assert_eq!(hash_type, SHA256, "{platform}: SHA-256 page hashes");
    assert_eq!(hash_size, 32);
    assert_eq!(n_code_slots, code_limit.div_ceil(page_size), "{platform}");
    // Every page checked would be slow through sha256sum; the first, a middle and the last
    // page are enough to tell a stale signature from a true one.
    for page in [0, n_code_slots / 2, n_code_slots - 1] {
        let start = page * page_size;
        let end = (start + page_size).min(code_limit);
        let recorded = &cd[hash_offset + page * hash_size..hash_offset + (page + 1) * hash_size];
        let recorded: String = recorded.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            recorded,
            sha256_hex(&file[start..end]),
            "{platform}: page {page} does not match its signature"
        );
    }
}

#[test]
fn the_windows_binary_is_amd64_and_needs_no_mingw_runtime() {
    let Some(dist) = dist("the_windows_binary_is_amd64") else {
        return;
    };
    let bytes = binary_of(&dist, "windows_amd64");
    let pe = goblin::pe::PE::parse(&bytes).expect("a PE file");
    assert_eq!(
        pe.header.coff_header.machine,
        goblin::pe::header::COFF_MACHINE_X86_64
    );
    assert!(pe.is_64 && !pe.is_lib);
    for lib in &pe.libraries {
        let lower = lib.to_ascii_lowercase();
        assert!(
            !lower.starts_with("lib"),
            "windows_amd64 imports {lib}, a MinGW runtime DLL Windows does not have"
        );
    }
}
