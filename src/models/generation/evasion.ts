/**
 * Signs that a generated line dodges what the customer asked about fees,
 * risk or the contract, or talks them out of reading it: hiding or belittling
 * information a seller must give (不方便透露, 这个您不用管, 不用看合同, 先签了再说).
 * A template never says these; a model under pressure to close might.
 */
// One pattern per sign; the match is the detail logged.
const SIGNS: readonly RegExp[] = [
  // Withholding: 不方便透露, 不能告诉您, 这个不好说, 无可奉告
  /(?:不方便|不能|不可以|没法|无法|不好)(?:跟您|和您|向您|给您)?(?:透露|告诉|说明|讲|说|细说|公开)(?![清楚明白的])/u,
  /无可奉告|恕不(?:告知|透露)|(?:内部|商业)(?:机密|秘密)/u,
  // Belittling the question: 您不用管, 不用了解那么多, 别问那么多, 没必要知道
  /(?:您|你)?(?:不用|不必|无需|没必要|用不着)(?:管|操心|关心|了解|知道|问|看|细看|研究)(?:那么多|太多|这些|那些|这个|那个|了)?/u,
  /(?:别|不要)(?:问|管|看)(?:那么多|太多|这些|那些|了)/u,
  // Skipping the contract or the risk disclosure: 先签了再说, 条款不用看, 随便签
  /先(?:签|买|交钱|付款|转账|办)(?:了)?再说|随便签|闭着眼睛(?:签|买)|条款(?:都)?(?:不用|不必|没必要)看|合同(?:都)?(?:不用|不必|没必要)看/u,
  /\b(?:don'?t|no need to) (?:worry about|read|ask about) (?:the )?(?:fees?|risks?|contract|terms|details)\b/iu,
];

/** The first sign of an evasion in the line, as it was matched; undefined for a clean line. */
export function evasion(text: string): string | undefined {
  for (const sign of SIGNS) {
    const m = sign.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}
