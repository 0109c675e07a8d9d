/** xhr2 ships no types; the tests only hand its constructor to directlinejs as XMLHttpRequest. */
declare module 'xhr2' {
  const XMLHttpRequest: unknown;
  export default XMLHttpRequest;
}
