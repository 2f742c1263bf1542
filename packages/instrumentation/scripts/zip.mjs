// Zips folders and files of `root` (paths inside the archive relative to it, Unix modes kept):
// with the machine's zip command when there is one, else with a small deflate writer.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export function zip(file, root, entries) {
  if (spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0) {
    execFileSync('zip', ['-q', '-r', '-X', '-9', path.resolve(file), ...entries], { cwd: root });
  } else {
    writeZip(file, root, entries);
  }
}

export function listFiles(root, dir = '') {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(root, relative) : [relative];
  });
}

/** A deflate zip of `entries` under `root`, for machines without the zip command. */
function writeZip(file, root, entriesToZip) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const names = entriesToZip.flatMap((entry) =>
    statSync(path.join(root, entry)).isDirectory() ? listFiles(root, entry) : [entry],
  );
  for (const name of names) {
    const full = path.join(root, name);
    const data = readFileSync(full);
    const deflated = deflateRawSync(data, { level: 9 });
    const mode = statSync(full).mode & 0o777;
    const nameBytes = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00, for reproducible archives
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(deflated.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, so the file mode below is honoured
    header.copy(central, 6, 4, 30);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(header, nameBytes, deflated);
    centrals.push(central, nameBytes);
    offset += header.length + nameBytes.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, directory, end]));
}
