import type { CDPSession, Page } from "@playwright/test";

/**
 * A CDP virtual authenticator in Chromium: a platform authenticator ("internal", CTAP2) with
 * resident keys and user verification, that answers every prompt by itself. Passkeys created
 * on the page stay in it until it is removed, across navigations of that page.
 */
export type VirtualAuthenticator = {
  id: string;
  cdp: CDPSession;
  /** The credentials it holds (id base64, rpId, sign count, resident or not). */
  credentials(): Promise<{ credentialId: string; rpId?: string; signCount: number; isResidentCredential: boolean }[]>;
  /** Whether the next prompts report the user as verified (UV flag). */
  setUserVerified(verified: boolean): Promise<void>;
  remove(): Promise<void>;
};

export async function addVirtualAuthenticator(
  page: Page,
  options: { isUserVerified?: boolean } = {},
): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    id: authenticatorId,
    cdp,
    async credentials() {
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      return credentials.map((c) => ({
        credentialId: c.credentialId,
        rpId: c.rpId,
        signCount: c.signCount,
        isResidentCredential: c.isResidentCredential,
      }));
    },
    async setUserVerified(verified: boolean) {
      await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: verified });
    },
    async remove() {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
      await cdp.detach();
    },
  };
}
