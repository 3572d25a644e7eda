/**
 * Fix for botbuilder 4.23.3 dropping custom entity fields on the wire (microsoft/botbuilder-js#4902, fixed by
 * PR #4903 but never released on npm). The connector's `Entity` mapper lists only `type`, `text` and
 * `mentioned`, so the serializer silently strips `streaminfo` (`streamId`, `streamType`, `streamSequence`) and
 * the AI label (`@type`, `@context`, `additionalType`): Teams streaming degrades to typing and the "AI generated"
 * badge never shows. Declaring additional properties on the mapper keeps every field. Idempotent; the transport
 * applies it before creating its adapter, and `test/channels/teams/entity-fix.test.ts` fails if fields vanish.
 */
import { createRequire } from 'node:module';

interface CompositeMapper {
  type: { name: string; additionalProperties?: { type: { name: string } } };
}

let applied = false;

/** Patches the mapper module botbuilder itself loads (resolved from botbuilder, not from our package). */
export function applyBotbuilderEntityFix(): void {
  if (applied) return;
  const fromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
  const connectorMain = fromBotbuilder.resolve('botframework-connector');
  const mappers = createRequire(connectorMain)('./connectorApi/models/mappers') as {
    Entity?: CompositeMapper;
  };
  if (!mappers.Entity) {
    throw new Error(
      'botframework-connector has no Entity mapper: the entity fix in src/channels/teams/botbuilder-entity-fix.ts ' +
        'no longer matches the installed botbuilder; check whether the upstream fix (botbuilder-js#4903) shipped.',
    );
  }
  mappers.Entity.type.additionalProperties ??= { type: { name: 'Object' } };
  applied = true;
}
