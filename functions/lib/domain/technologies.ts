/** The technology pool (技术库): how a listed technology may be taken up. Pure. */
import { badInput } from '../errors.js';

/** At least one transfer mode, duplicates removed (BAD_USER_INPUT on `transferModes`). */
export function checkTransferModes<M extends string>(modes: readonly M[]): M[] {
  const unique = [...new Set(modes)];
  if (unique.length === 0) throw badInput('transferModes', 'Name at least one way the technology may be taken up');
  return unique;
}
