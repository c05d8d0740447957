/**
 * One portable codec (issue 13): the binary and JSON codecs, the framing, the session
 * proof and a connection's protocol of @oon/wire, bundled for a browser (esbuild, platform `browser`, no polyfills),
 * run where only browser globals exist (a `vm` context with no Buffer, process,
 * setImmediate or require) and make the same bytes there as in Node: the same payloads,
 * frames, batch, schema hash and HMAC proof, objects revived as real instances, and a
 * client and a server Connection over an in-memory transport shaking hands, sending, and
 * answering a request.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { buildSync } from 'esbuild';
import { NetMessage } from '@oon/core';
import { BinaryCodec, describeRegistry, encodeFrame, FrameKind, JsonCodec } from '@oon/wire';
import { describeTruck, registry, sampleTruck } from '../fixtures/portable/model';
import { ROOT } from '../support/packages';

/** The checks bundled for a browser: the script, and the source files it holds with their code. */
function bundle(): { code: string; modules: Map<string, string> } {
  const built = buildSync({
    entryPoints: [join(ROOT, 'test', 'fixtures', 'portable', 'checks.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: { '@oon/core': join(ROOT, 'packages', 'core', 'src', 'index.ts') },
    // Loaded only with `validate` on, which the checks leave off; a browser build maps it away.
    external: ['class-validator'],
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true } },
  });
  const code = built.outputFiles[0]?.text ?? '';
  // esbuild marks where each source file's code begins with a `// path` comment.
  const modules = new Map<string, string>();
  const parts = code.split(/^ {2}\/\/ ((?:packages|test)\/\S+\.ts)$/m);
  for (let i = 1; i < parts.length; i += 2) modules.set(parts[i] as string, parts[i + 1] as string);
  return { code, modules };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('@oon/wire bundled for a browser', () => {
  let built: ReturnType<typeof bundle>;
  beforeAll(() => {
    built = bundle();
  });

  it('holds no Node built-in, and its code reaches Buffer, process and setImmediate only through globalThis', () => {
    const wireFiles = [...built.modules.keys()].filter((f) => f.startsWith('packages/wire/src/'));
    expect(wireFiles).toEqual(expect.arrayContaining(['packages/wire/src/platform/bytes.ts', 'packages/wire/src/session/session-proof.ts']));
    const unguarded: string[] = [];
    for (const file of wireFiles) {
      const code = built.modules.get(file) ?? '';
      // Comments are no use of a global; `x.Buffer`, `g.process` are reads through globalThis.
      const bare = code.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const name of ['Buffer', 'process', 'setImmediate', 'require']) {
        if (new RegExp(`(?<![.\\w$'"\`])${name}\\b(?!\\??:)`).test(bare)) unguarded.push(`${file}: ${name}`);
      }
    }
    expect(unguarded).toEqual([]);
    expect(built.code).not.toMatch(/["']node:|require\(["'](?:buffer|crypto|stream|util)["']\)/);
  });

  it('encodes, frames, batches, proves and connects where only browser globals exist, as Node does, byte for byte', async () => {
    // A page's globals: no Buffer, process, setImmediate or require.
    const page = createContext({
      ...{ crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, AbortController, AbortSignal, console },
      ...{ queueMicrotask, setTimeout, clearTimeout, setInterval, clearInterval },
    });
    runInContext(built.code, page);
    const seen = await (page as { result?: Promise<Record<string, unknown>> }).result;

    const message = new NetMessage(sampleTruck(), { uuid: 'portable01' });
    const binary = new BinaryCodec({ registry, validate: false }).encode(message);
    const json = new JsonCodec({ registry, validate: false }).encode(message);
    const frame = encodeFrame(FrameKind.Message, binary);
    const revived = describeTruck(new BinaryCodec({ registry }).decode(binary).object);
    expect(revived).toMatchObject({ truck: true, sharedSpare: true, huge: String(2n ** 70n + 1n) });
    // The JSON codec escapes a lone surrogate (as Python's json.dumps does), so it comes back; UTF-8 cannot hold one.
    const revivedJson = describeTruck(new JsonCodec({ registry }).decode(json).object);
    const frameOf = (kind: FrameKind, payload: string | Uint8Array): string => `${kind}:${Buffer.from(encodeFrame(kind, payload).subarray(5)).toString('hex')}`;

    expect(seen).toEqual({
      globals: { Buffer: 'undefined', process: 'undefined' },
      binaryHex: hex(binary),
      jsonText: json,
      binaryBack: revived,
      jsonBack: revivedJson,
      jsonFromBytes: revivedJson,
      frameHex: hex(frame),
      frames: [frameOf(FrameKind.Message, binary), frameOf(FrameKind.Ping, ''), frameOf(FrameKind.Error, '{"message": "Привет 😀"}')],
      // One write for the three frames, once the tick ended.
      batch: { writes: [hex(Buffer.concat([frame, encodeFrame(FrameKind.Message, Uint8Array.from([0, 0xff])), encodeFrame(FrameKind.Message, new Uint8Array(0))]))], settled: true },
      schemaHash: describeRegistry(registry).hash,
      proofHex: createHmac('sha256', Buffer.alloc(32, 0x11)).update('oon session resume v1').update(Buffer.alloc(32, 0x22)).update('séssion-1').digest('hex'),
      proofHolds: true,
      proofWrongId: false,
      proofWrongSecret: false,
      protocol: { serverGot: revived, reply: 'seen AB-123', open: [false, false] },
    });
  });
});
