/**
 * Prints a locally signed bearer token:
 *   npm run token -- --role ORG_ADMIN --org <orgId> [--expert <id>] [--partner <id>] [--sub <userId>] [--name <name>] [--ttl 12h]
 *   npm run token -- --role PARTNER --partner <clientId> [--scope 'experts.write needs.read']   (both scopes by default)
 * The local runner and this script share the key in .kezhi/dev-keys.json.
 *
 * A token carries only who the caller is (`sub`, the PROVINCE_ADMIN bootstrap group, a partner's client): roles and
 * organization come from the table, as on AWS. So `--org ID` signs in as the organization's seeded admin user
 * (seed-org-admin-<ID>, granted ORG_ADMIN of it by the seed) and `--expert ID` as the seeded user linked to the expert
 * (seed-expert-of-<ID>); `--role EXPERT` alone as local-expert, which the runner keeps an EXPERT without a record. For
 * another user (`--sub`) or an organization created later, grant it with grantOrgAdmin.
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../../functions/lib/auth/principal.js';
import { signLocalToken } from '../../functions/lib/auth/tokens.js';
import { PARTNER_SCOPE } from '../../functions/lib/auth/policy.js';
import { loadDevKeys } from './devKeys.js';
import { seedExpertUser, seedOrgAdminUser } from './localGrants.js';

const PARTNER_SCOPES_DEFAULT = [PARTNER_SCOPE.expertsWrite, PARTNER_SCOPE.needsRead].join(' ');

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    org: { type: 'string' },
    expert: { type: 'string' },
    partner: { type: 'string' },
    scope: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
  },
});

const roles = values.role ?? [];
const unknown = roles.filter((r) => !isRole(r));
if (roles.length === 0 || unknown.length > 0) {
  console.error(`usage: npm run token -- --role ROLE [--org ID] [--expert ID] [--partner ID]\nroles: ${ROLES.join(', ')}`);
  process.exit(2);
}
if (roles.includes('ORG_ADMIN') && !values.org) {
  console.error('--role ORG_ADMIN needs --org <organization id>');
  process.exit(2);
}
if (roles.includes('PARTNER') && !values.partner) {
  console.error('--role PARTNER needs --partner <client id> (the seed has hk-expert-platform and mo-expert-platform)');
  process.exit(2);
}
// A partner platform's token carries OAuth scopes, as Cognito's client-credentials tokens do: both unless told otherwise.
const scope = values.scope ?? (values.partner ? PARTNER_SCOPES_DEFAULT : undefined);

const keys = await loadDevKeys();
const sub =
  values.sub ??
  (values.org && roles.includes('ORG_ADMIN')
    ? seedOrgAdminUser(values.org)
    : values.expert
      ? seedExpertUser(values.expert)
      : values.partner
        ? `partner-${values.partner}`
        : `local-${roles.join('-').toLowerCase()}`);
if (values.sub && (roles.includes('ORG_ADMIN') || roles.includes('EXPERT')))
  console.error(`note: ${values.sub} acts as ${roles.join(', ')} only if the table says so (grantOrgAdmin, or its own registered expert)`);
console.log(
  await signLocalToken(
    keys.privateJwk,
    {
      sub,
      roles,
      ...(values.name && { name: values.name }),
      ...(values.org && { org: values.org }),
      ...(values.expert && { expert: values.expert }),
      ...(values.partner && { partner: values.partner }),
      ...(scope !== undefined && { scope }),
    },
    values.ttl,
  ),
);
