/** The part of bcrypto 5.5's BIP-340 module we use (the package ships no types). */
declare module 'bcrypto/lib/schnorr.js' {
  const schnorr: {
    /** 2 when the native binding (libsecp256k1) loaded; otherwise bcrypto runs its pure-JS code. */
    native: number
    publicKeyCreate(secretKey: Buffer): Buffer
    sign(msg: Buffer, secretKey: Buffer, aux?: Buffer): Buffer
    verify(msg: Buffer, sig: Buffer, publicKey: Buffer): boolean
  }
  export default schnorr
}
