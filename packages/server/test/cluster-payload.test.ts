/**
 * The key a cluster's payloads carry (src/cluster-payload.ts): the hash of the registry's
 * description (and `references`), made once per change of the registry, not per send.
 */
import { NetField, Registry, t } from '@oon/core';
import { describeRegistry } from '@oon/wire';
import { ClusterCodec } from '../src/cluster-payload';

describe('ClusterCodec', () => {
  describe('#schemaKey', () => {
    it("is the registry's hash, with `+references` when the codec tracks references, and follows the registry as it changes", () => {
      const registry = new Registry();
      class A {
        @NetField(t.int) n = 0;
      }
      registry.register(A, 'A');
      const plain = new ClusterCodec({ registry });
      const tracking = new ClusterCodec({ registry, references: true });
      const first = plain.schemaKey;
      expect(first).toBe(describeRegistry(registry).hash);
      expect(tracking.schemaKey).toBe(`${first}+references`);

      class B {
        @NetField(t.string) s = '';
      }
      registry.register(B, 'B');
      const second = plain.schemaKey;
      const withB = describeRegistry(registry).hash;
      registry.register(B, 'B', { aliases: ['OldB'] });

      expect(second).not.toBe(first);
      expect(second).toBe(withB);
      expect(plain.schemaKey).not.toBe(second);
      expect(plain.schemaKey).toBe(describeRegistry(registry).hash);
      expect(tracking.schemaKey).toBe(`${describeRegistry(registry).hash}+references`);
    });
  });
});
