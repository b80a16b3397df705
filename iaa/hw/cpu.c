/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/cpu.c - the CPU features that work submission needs
 *
 * CPUID.(EAX=7,ECX=0):ECX bit 27 MOVDIRI, bit 28 MOVDIR64B, bit 29 ENQCMD, bit 5
 * WAITPKG (UMONITOR/UMWAIT/TPAUSE) - Intel SDM vol. 2A, CPUID leaf 07H; the digest
 * (§2.1) marks the 28/29 numbers UNVERIFIED there, the SDM is the source.
 */
#include "iaa/hw/hw_backend.h"

#include <cpuid.h>

unsigned ziaa_hw_cpu_features(void)
{
	unsigned a, b, c, d, f = 0;

	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	(void)a;
	(void)b;
	(void)d;
	if (c & (1u << 28))
		f |= ZIAA_CPU_MOVDIR64B;
	if (c & (1u << 29))
		f |= ZIAA_CPU_ENQCMD;
	if (c & (1u << 5))
		f |= ZIAA_CPU_WAITPKG;
	return f;
}
