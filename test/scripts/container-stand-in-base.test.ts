/** The stand-in base's library list, from ldd output (the image itself is built by the rehearsal, with Docker). */
import { librariesOf } from '../../scripts/container-stand-in-base';

test('Given ldd output, when it is read, then every resolved library and the loader are listed, and virtual ones are not', () => {
  const ldd = [
    '\tlinux-vdso.so.1 (0x00007ffd1b7f2000)',
    '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0e1c800000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e1c400000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e1cb0e000)',
  ].join('\n');
  expect(librariesOf(ldd)).toEqual(['/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
});
