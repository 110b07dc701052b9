// A real OpenID Connect provider (npm's oidc-provider) on loopback for the sign-in tests: one
// client, the dashboard, and three accounts whose `groups` claim makes them a viewer, an analyst
// and an admin under the default DASHBOARD_ROLES. Its development login form (devInteractions)
// takes the account's name and any password. Usage: node provider.js PORT REDIRECT_URI...
import Provider from 'oidc-provider';

const [port, ...redirects] = process.argv.slice(2);
const ACCOUNTS = {
  viewer: [],
  analyst: ['dashboard-analysts'],
  admin: ['dashboard-admins', 'dashboard-analysts'],
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'dashboard',
    client_secret: 'a-test-secret-of-the-dashboard-client',
    redirect_uris: redirects,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'groups'],
  },
  conformIdTokenClaims: false, // the profile's claims (groups) in the ID token, which Streamlit reads
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    if (!(id in ACCOUNTS)) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.org`, email_verified: true, name: `Test ${id}`,
                 preferred_username: id, groups: ACCOUNTS[id] };
      },
    };
  },
  // no consent screen: the dashboard is the office's own application
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => console.log(`provider ready on ${port}`));
