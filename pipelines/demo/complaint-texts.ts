/**
 * Free-text bank of the demo world's complaints: per cause and language, at least eight phrasings with
 * product-specific fill-ins ({p} product, {part} a part that breaks, {claim} a listing claim, {defect}
 * what fails, {n} a number of days, {carrier}). Each cause keeps to its own vocabulary (no 退款 in a
 * damage text, no "late" in a lost-parcel text) so that a text signals the cause it was written for and
 * the rule set can be checked against it. Exported so rule tests can use it as a labelled corpus.
 */
import type { CauseCode } from '../../models/entities.ts';

export type Language = 'zh' | 'en';

type Bank = Record<Language, readonly string[]>;

export const COMPLAINT_TEXTS: Record<CauseCode, Bank> = {
  transit_damage: {
    zh: [
      '收到的{p}{part}有明显裂痕，外箱也被压坏了',
      '{p}到货就是破损的，{part}裂开了一条缝',
      '快递送来时{p}的{part}已经碎了',
      '打开一看{p}{part}被压坏，明显是运输途中摔的',
      '{carrier}送来的{p}{part}凹陷了一大块，运输太粗暴了',
      '签收后发现{p}{part}磕坏了',
      '{p}的{part}摔坏了，快递员放下就走',
      '第二次买{p}了，这次{part}破损严重，没法用',
      '外箱湿了还被压扁，里面{p}的{part}有裂痕',
    ],
    en: [
      'The {p} arrived with a cracked {part}.',
      'The {p} was delivered broken, the {part} is split down the middle.',
      'Box was crushed and the {part} of the {p} is dented.',
      'Opened the parcel and the {part} of my {p} was smashed.',
      '{carrier} delivered my {p} damaged, the {part} has a deep gouge.',
      'The {part} on the {p} is cracked, clearly mishandled in transit.',
      'My {p} came in pieces, the {part} is shattered.',
      'Courier dropped the parcel, the {part} of the {p} is now broken.',
      'Received the {p} today and the {part} is badly dented.',
    ],
  },
  delivery_delay: {
    zh: [
      '说好{n}天送达，{p}结果晚了一个星期才到',
      '物流严重延误，{p}比承诺时间晚到好几天',
      '{p}迟迟不派送，已经超时{n}天了',
      '{carrier}的物流信息{n}天没更新，{p}一直延误',
      '下单时写{n}天到，现在都超时了，{p}还在路上',
      '{p}是送人的礼物，晚到了{n}天，完全耽误事',
      '派送一拖再拖，{p}延误太久了',
      '承诺的送达日期早过了，{p}已经晚了{n}天',
    ],
    en: [
      'My {p} arrived {n} days late.',
      'Delivery of the {p} was delayed again with no explanation.',
      'Promised delivery date has passed, the {p} is {n} days overdue.',
      'Tracking for the {p} has not moved for {n} days, huge delay.',
      '{carrier} keeps pushing back the delivery, the {p} is late.',
      'Ordered the {p} as a gift and it turned up {n} days late.',
      'Why is my {p} delayed? It was supposed to come in {n} days.',
      'The {p} is overdue and {carrier} gives no delivery time.',
    ],
  },
  lost_parcel: {
    zh: [
      '物流显示已签收，但我根本没有收到{p}',
      '{p}好像丢件了，快递员说找不到包裹',
      '等了两周一直没收到{p}，物流也查不到',
      '{carrier}说包裹丢失了，{p}怎么办',
      '{p}显示派送中已经{n}天，至今未收到',
      '包裹在中转站丢失，{p}没有收到',
      '邻居和驿站都问过了，还是没有收到{p}',
      '{p}的快递单号查不到记录，怀疑丢件了',
    ],
    en: [
      'My {p} never arrived.',
      'Tracking says delivered but I never received the {p}.',
      '{carrier} says the parcel with my {p} was lost.',
      'The {p} never arrived, tracking stopped {n} days ago and the parcel seems lost.',
      'Package with the {p} lost somewhere between hubs.',
      'The {p} was never received, nobody knows where the parcel is.',
      'Courier marked the {p} as delivered but it never arrived at my door.',
      'Where is my {p}? Parcel lost according to the driver.',
    ],
  },
  packaging: {
    zh: [
      '{p}的包装太简陋了，只有一层薄纸箱',
      '这么重的{p}连泡沫都没放，包装太随意',
      '{p}外面没有任何缓冲材料，全靠运气',
      '包装不合适，{p}在箱子里晃来晃去',
      '{p}只用一个塑料袋包装，太不讲究了',
      '{p}的气泡膜只包了一半，其他地方都露着',
      '包装盒比{p}小，是硬塞进去的',
      '希望{p}能换个结实点的包装，这次是侥幸没出事',
    ],
    en: [
      'The {p} came in flimsy packaging with no protection.',
      'No padding at all around the {p}, just a thin box.',
      'The {p} was packed in a plastic bag, not suitable for this item.',
      'Packaging was far too weak for a heavy {p}.',
      'Only a single layer of bubble wrap around the {p}.',
      'The {p} was rattling around inside an oversized box, poorly packed.',
      'Please improve the packaging of the {p}, it was lucky to survive.',
      'Packaging for the {p} was a reused box with no padding.',
    ],
  },
  wrong_item: {
    zh: [
      '收到的根本不是我买的{p}',
      '{p}发错颜色了，我买的是另一款',
      '订单里少发了{p}',
      '{p}的配件缺件，说明书上写的螺丝都没有',
      '{p}发错型号了，跟订单不一致',
      '包裹里是别人的东西，不是我下单的{p}',
      '买了两个{p}，漏发了一个',
      '买的{p}发错尺码了',
    ],
    en: [
      'I received the wrong item instead of the {p}.',
      'The {p} is the wrong colour.',
      'Parts are missing from the {p} box.',
      "Got someone else's order instead of my {p}.",
      'The {p} in the box is the wrong model.',
      'Ordered two {p} but one is missing.',
      'Wrong size {p} sent, please swap it.',
      'The screws for the {p} are missing from the kit.',
    ],
  },
  not_as_described: {
    zh: [
      '{p}与描述不符，{claim}完全没有',
      '详情页写的{claim}是夸大宣传，{p}实际差很多',
      '{p}和图片不一样，颜色材质都不对',
      '货不对板，{p}实物跟详情页差太远',
      '{p}宣传的{claim}根本做不到，虚假宣传',
      '收到的{p}与商品描述不符',
      '{p}的{claim}描述严重夸大',
      '商品页上{p}看起来很高级，实物与描述不符',
    ],
    en: [
      'The {p} is not as described, no sign of {claim}.',
      'Listing for the {p} is misleading about {claim}.',
      'The {p} looks nothing like the photos.',
      'False advertising: the {p} does not deliver {claim}.',
      'The claims about {claim} for the {p} are exaggerated.',
      'Product page for the {p} is misleading, the material is different.',
      '{p} not as described on the listing.',
      'Very misleading description of the {p}, it is nothing like the listing.',
    ],
  },
  quality_defect: {
    zh: [
      '{p}质量太差，{defect}',
      '{p}有质量问题，{defect}',
      '{p}用了没几天就{defect}，质量很差',
      '这个{p}是次品吧，{defect}',
      '{p}做工粗糙，{defect}，质量问题明显',
      '第一次用{p}就{defect}，质量不过关',
      '{p}到手就有瑕疵，{defect}',
      '{p}{defect}，怀疑是残次品',
    ],
    en: [
      'The {p} is defective: {defect}.',
      'Poor quality {p}: {defect}.',
      'Two days in and the {p} is faulty: {defect}.',
      'Quality of the {p} is terrible: {defect}.',
      'The {p} stopped working within a week.',
      'Faulty {p}: {defect}.',
      'The {p} has a manufacturing defect: {defect}.',
      'Very poor quality, {defect} on the {p}.',
    ],
  },
  service_attitude: {
    zh: [
      '客服态度很差，一直在推诿',
      '问了{n}次都是机器人回复，客服敷衍了事',
      '客服说是公司规定，完全不解决问题',
      '留言{n}天没人理，客服态度太冷漠',
      '客服挂我电话，态度恶劣',
      '关于{p}的问题客服互相推诿，没人负责',
      '客服回复特别慢，而且每次都敷衍',
      '客服不专业，问{p}的问题一问三不知',
    ],
    en: [
      'The agent was rude and dismissive.',
      'Customer service kept giving me copy-paste answers about the {p}, very unhelpful.',
      'Nobody replied to my messages for {n} days, I feel ignored.',
      'The agent hung up on me.',
      'Support staff were dismissive and blamed "company policy".',
      'Unhelpful agent, asked about the {p} and got nowhere.',
      'I was transferred {n} times and every agent was unhelpful.',
      'Rude reply from support when I asked about my {p}.',
    ],
  },
  refund_process: {
    zh: [
      '{p}退货已经{n}天了，退款还没到账',
      '申请退款被驳回，理由说不清楚',
      '退货流程太复杂，{p}寄回去还要自己垫运费',
      '{p}的售后一直在走流程，退款遥遥无期',
      '商家收到退货后不给退款',
      '退款金额不对，少退了运费',
      '{p}申请售后{n}次都被系统拒绝',
      '退货单号填进去系统不认，{p}退款卡住了',
    ],
    en: [
      'Returned the {p} {n} days ago and still no refund.',
      'My refund request for the {p} was rejected without a reason.',
      'The return process for the {p} is far too complicated.',
      'Seller received the returned {p} but will not issue the refund.',
      'Refund amount is short, shipping was not refunded.',
      'The return label for the {p} never works.',
      'Still waiting on the refund for the {p}, it has been {n} days.',
      'After-sales keeps rejecting my return request for the {p}.',
    ],
  },
  customer_expectation: {
    zh: [
      '我以为{p}会更大一点，是我没看清尺寸',
      '是我自己没注意{p}需要自己组装',
      '我以为{p}是全自动的，原来要手动',
      '不会用{p}，说明书看不懂',
      '没看清规格，{p}跟我家的不匹配',
      '我误会了{p}的功能，想问问怎么处理',
      '{p}颜色我以为更深一点，个人感觉问题',
      '是我自己用法不对，{p}需要先预热',
    ],
    en: [
      'I thought the {p} would be bigger, my mistake.',
      'I did not realise the {p} needs assembly.',
      'I assumed the {p} came with batteries.',
      'My fault, I picked the {p} in a size that does not fit.',
      'I thought the {p} was waterproof.',
      'Not sure how to use the {p}, I assumed it was plug and play.',
      'I did not realise the {p} looks different in daylight.',
      'The {p} is fine, I just thought it would feel softer.',
    ],
  },
  other: {
    zh: [
      '{p}的订单需要开发票，怎么申请',
      '请问{p}最近有优惠券吗',
      '优惠券没有用上，能补吗',
      '上个订单的积分没有到账',
      '发票抬头写错了，需要重开',
      '想确认一下{p}能不能开专票',
      '{p}能不能帮忙附一张贺卡',
      '会员积分兑换的券用不了',
    ],
    en: [
      'I need an invoice for my {p} order.',
      'Do you have a coupon for the {p}?',
      'My coupon was not applied at checkout.',
      'Loyalty points for the {p} order were not credited.',
      'The company name on the invoice needs correcting.',
      'Please send a VAT receipt for the {p}.',
      'Do you have a loyalty program?',
      'Points from my last order are not in my account.',
    ],
  },
};

/** The over-claiming face cream's own complaints: its listing promises 显著抗皱效果. */
export const OVERCLAIM_TEXTS: Bank = {
  zh: [
    '详情页说富含珍稀植物提取物，具有显著抗皱效果，用了一个月毫无变化，虚假宣传',
    '{p}宣称显著抗皱效果，实际一点效果没有，宣传夸大',
    '{p}根本没有广告说的抗皱效果，与描述不符',
    '所谓珍稀植物提取物含量很低吧？抗皱效果是夸大宣传',
    '用了三周{p}，皱纹一点没少，虚假宣传',
    '{p}的抗皱效果完全是夸大，希望商家给个说法',
    '被详情页的显著抗皱效果吸引买的，结果与描述不符',
    '{p}用完脸还有点泛红，抗皱效果也没有，宣传严重夸大',
    '这款面霜说的抗皱效果都是夸大其词，与描述不符',
  ],
  en: [
    'The {p} claims a significant anti-wrinkle effect but nothing changed after a month, misleading.',
    'The rare plant extract and anti-wrinkle claims for the {p} are exaggerated.',
    'False advertising: the {p} does nothing for wrinkles.',
    'The {p} is not as described, the anti-wrinkle claim is misleading.',
    'Used the {p} for four weeks, zero anti-wrinkle effect, the listing is misleading.',
    'The listing oversells the {p}, the claims are exaggerated.',
    'Bought the {p} because of the anti-wrinkle claim, it is not as described.',
    'Misleading product page: the {p} has no visible anti-wrinkle effect.',
  ],
};

/** Quality complaints that name a hazard, so severity rules make them crisis (contract §3). */
export const SAFETY_TEXTS: Record<'skin' | 'heat' | 'injury', Bank> = {
  skin: {
    zh: ['用了{p}之后脸上过敏红肿，质量有问题吧', '{p}涂完皮肤过敏起疹子，怀疑是次品', '孩子用了{p}全身过敏，质量太差'],
    en: [
      'Had an allergic reaction after using the {p}, poor quality product.',
      'My skin is red and itchy, allergic to the {p}, is this batch defective?',
      'Allergy flare-up after one use of the {p}, clearly a quality problem.',
    ],
  },
  heat: {
    zh: ['{p}用的时候发烫冒烟，差点起火，质量太差', '{p}外壳漏电，手被烫伤了，质量问题严重', '{p}插上电就冒火花，质量问题吓人'],
    en: [
      'The {p} overheated and burned my hand, it is defective.',
      'The {p} caught fire while in use, dangerous quality defect.',
      'Sparks came out of the {p} and my fingers got burnt, faulty unit.',
    ],
  },
  injury: {
    zh: ['{p}的边缘很锋利，孩子手受伤了，质量太差', '{p}零件脱落，孩子玩的时候受伤了，质量问题', '{p}突然断开，家里老人受伤了，质量不过关'],
    en: [
      'Sharp edge on the {p}, my child was injured. Poor quality.',
      'A part of the {p} snapped and my son got an injury, defective product.',
      'The {p} gave way and my mother was injured, terrible quality.',
    ],
  },
};

/** A late and broken parcel, written as one message (two causes). */
export const LATE_AND_BROKEN_TEXTS: Bank = {
  zh: [
    '{p}晚到了{n}天，而且{part}还有裂痕',
    '物流延误不说，{p}的{part}还被压坏了',
    '晚了{n}天才到，打开{p}{part}已经碎了',
    '等了一周多才到，{p}到货时{part}破损',
  ],
  en: [
    'The {p} arrived {n} days late and the {part} was cracked.',
    'Late and broken: the {part} of the {p} is smashed.',
    'Delivery was delayed and the {p} came damaged.',
    'Took {n} extra days and the {part} of the {p} is dented.',
  ],
};

const OPENERS: Record<Language, readonly string[]> = {
  zh: ['', '', '', '你好，', '您好，', '在吗？'],
  en: ['', '', '', 'Hi, ', 'Hello, '],
};
const CLOSERS: Record<Language, readonly string[]> = {
  zh: ['', '', '。', '，请尽快处理。', '，麻烦跟进一下。', '！希望给个说法。', '，太失望了。'],
  en: ['', '', ' Please sort this out.', ' Waiting for your reply.', ' Very disappointed.', ' Thanks.'],
};

export interface TextFillIns {
  readonly product: string;
  readonly part: string;
  readonly claim: string;
  readonly defect: string;
  readonly days: number;
  readonly carrier: string;
}

/**
 * Renders one template with its fill-ins, wrapped in an optional greeting and closing line
 * (`pickIndex` chooses among them). English text starts upper-case after filling.
 */
export function renderComplaintText(template: string, language: Language, fills: TextFillIns, pickIndex: (n: number) => number): string {
  const body = template
    .replace(/\{p\}/g, fills.product)
    .replace(/\{part\}/g, fills.part)
    .replace(/\{claim\}/g, fills.claim)
    .replace(/\{defect\}/g, fills.defect)
    .replace(/\{n\}/g, String(fills.days))
    .replace(/\{carrier\}/g, fills.carrier);
  const opener = OPENERS[language][pickIndex(OPENERS[language].length)] as string;
  const closer = CLOSERS[language][pickIndex(CLOSERS[language].length)] as string;
  if (language === 'zh') return `${opener}${body}${closer}`;
  const sentence = opener ? `${opener}${lowerFirstWord(body)}` : upperFirst(body);
  return `${sentence}${closer}`;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// "Hi, the bookshelf …" but "Hi, I thought …", "Hi, Bluetooth speaker …", "Hi, HeronExpress …".
const PROPER_WORDS = new Set(['I', 'Bluetooth', 'Chelsea', 'Wi']);

function lowerFirstWord(text: string): string {
  const word = /^[A-Za-z']+/.exec(text)?.[0] ?? '';
  const isPlainCapitalised = /^[A-Z][a-z']*$/.test(word);
  return isPlainCapitalised && !PROPER_WORDS.has(word) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
