package dev.dialwise.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Personal data sealed as Dialwise seals it (src/core/crypto.ts):
 * AES-256-GCM with a random 96-bit IV per value, stored as
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` in base64url, and a keyed HMAC-SHA256
 * of the normalised phone for look-ups. The key is made per run (a benchmark
 * keeps nothing it would have to open again). Not thread-safe: one per task.
 */
final class Sealer {
  private final SecretKeySpec key;
  private final Mac mac;
  private final Cipher cipher;
  private final SecureRandom random = new SecureRandom();
  private final String keyId;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  Sealer(byte[] secret) {
    try {
      key = new SecretKeySpec(Arrays.copyOf(secret, 32), "AES");
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Arrays.copyOfRange(secret, 32, 64), "HmacSHA256"));
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      keyId = B64.encodeToString(Arrays.copyOf(mac.doFinal("key-id".getBytes(StandardCharsets.UTF_8)), 6));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String encrypt(String plain) {
    try {
      byte[] iv = new byte[12];
      random.nextBytes(iv);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] out = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] ct = Arrays.copyOf(out, out.length - 16);
      byte[] tag = Arrays.copyOfRange(out, out.length - 16, out.length);
      return "v1." + keyId + "." + B64.encodeToString(iv) + "." + B64.encodeToString(tag) + "."
          + B64.encodeToString(ct);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** crypto.ts lookupHash over normalisePhone: digits, and a leading +. */
  String lookupHash(String phone) {
    StringBuilder b = new StringBuilder(phone.length());
    for (int i = 0; i < phone.length(); i++) {
      char c = phone.charAt(i);
      if ((c >= '0' && c <= '9') || (c == '+' && i == 0)) b.append(c);
    }
    return B64.encodeToString(mac.doFinal(b.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
