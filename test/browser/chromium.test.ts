/**
 * The browser tests need Debian's `chromium`: without it they fail (never skip), and the
 * failure says which package to install and how.
 */
import { requireChromium, CHROMIUM_PATH } from '../support/chromium';

describe('the browser tests', () => {
  it('fail naming the chromium package when the browser is missing', () => {
    expect(() => requireChromium('/nonexistent/chromium')).toThrow(
      '/nonexistent/chromium not found: the browser tests need Debian\'s `chromium` package (`apt-get install chromium`, which `.ci/run` does when it runs as root; see the README)',
    );
  });

  it(`find it at ${CHROMIUM_PATH} on this machine`, () => {
    expect(() => requireChromium()).not.toThrow();
  });
});
