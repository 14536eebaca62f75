/* A stand-in for Windows' bcryptprimitives.dll inside the test's Wine prefix only.
 *
 * Rust's standard library on Windows takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows since 8 has and Wine 8.0 (Debian 12) lacks, so the
 * .exe would not load under that Wine. This DLL exports ProcessPrng on top of RtlGenRandom
 * (advapi32's SystemFunction036), which Wine has. It is never shipped: scripts/test-platforms.sh
 * compiles it with MinGW and copies it into the Wine prefix when Wine has no such DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
