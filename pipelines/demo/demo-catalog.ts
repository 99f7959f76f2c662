/**
 * The fixed cast of the demo world: carriers, regions, merchants and 120 products in six categories.
 * Product names avoid the words the complaint rules key on (no "plate" hiding "late", no 包装 in a
 * title), so a complaint's text only signals the cause it was written for.
 */
import type { Notation } from './local-clock.ts';

export type Category = 'furniture' | 'skincare' | 'electronics' | 'apparel' | 'kitchen' | 'toys';

export interface CarrierProfile {
  readonly name: string;
  /** Share of shipments. */
  readonly share: number;
  /** Share of shipments delivered after the promised date in a normal week. */
  readonly lateRate: number;
  /** Carriers report timestamps their own way; the inbox keeps that mix. */
  readonly notation: Notation;
}

export const CARRIERS: readonly CarrierProfile[] = [
  { name: 'HeronExpress', share: 0.3, lateRate: 0.06, notation: 'utc' },
  { name: 'FalconExpress', share: 0.25, lateRate: 0.05, notation: 'offset' },
  { name: 'PandaFreight', share: 0.2, lateRate: 0.09, notation: 'naive' },
  { name: 'SwiftLink', share: 0.15, lateRate: 0.04, notation: 'offsetShort' },
  { name: 'JadeRiver', share: 0.1, lateRate: 0.11, notation: 'naiveShort' },
];

/** Warehouses ship from these provinces. */
export const ORIGIN_REGIONS = ['广东', '浙江', '江苏', '上海', '湖北'] as const;

/** Destination provinces, weighted roughly by online shopping volume. */
export const DESTINATION_REGIONS: readonly (readonly [string, number])[] = [
  ['广东', 14],
  ['江苏', 9],
  ['浙江', 9],
  ['山东', 7],
  ['上海', 6],
  ['北京', 6],
  ['河南', 5],
  ['四川', 5],
  ['湖北', 4],
  ['福建', 4],
  ['湖南', 4],
  ['河北', 4],
  ['安徽', 3],
  ['辽宁', 3],
  ['陕西', 3],
  ['重庆', 3],
  ['江西', 2],
  ['广西', 2],
  ['云南', 2],
  ['天津', 2],
  ['黑龙江', 1],
  ['吉林', 1],
  ['山西', 1],
  ['贵州', 1],
  ['新疆', 1],
  ['甘肃', 1],
  ['内蒙古', 1],
  ['海南', 1],
];

/** Provinces close enough to each other for a two-to-three-day promise. */
export const NEARBY_REGIONS: readonly (readonly string[])[] = [
  ['上海', '江苏', '浙江', '安徽'],
  ['广东', '广西', '福建', '海南'],
  ['湖北', '湖南', '河南', '江西'],
];

export interface CategoryProfile {
  readonly category: Category;
  readonly skuPrefix: string;
  /** Share of first order lines. */
  readonly share: number;
  /** [zh, en (as written mid-sentence), unit price in yuan] */
  readonly products: readonly (readonly [string, string, number])[];
  /** Parts that break in transit, [zh, en]. */
  readonly parts: readonly (readonly [string, string])[];
  /** Listing claims a customer may find exaggerated, [zh, en]. */
  readonly claims: readonly (readonly [string, string])[];
  /** What goes wrong with a defective item, [zh, en]. */
  readonly defects: readonly (readonly [string, string])[];
  /** Chance per order line of a quality complaint. */
  readonly qualityRate: number;
  /** Chance per order line of a "not as described" complaint (an expected rate, see demo-world). */
  readonly notAsDescribedRate: number;
  /** Fragile goods draw more packaging complaints. */
  readonly fragile: boolean;
  /** Whether defects of this category can hurt someone (safety texts). */
  readonly safetyRisk: boolean;
}

export const CATEGORIES: readonly CategoryProfile[] = [
  {
    category: 'furniture',
    skuPrefix: 'FU-1',
    share: 0.12,
    products: [
      ['组装式书架', 'bookshelf', 399],
      ['实木餐桌', 'solid wood dining table', 1299],
      ['布艺沙发', 'fabric sofa', 2199],
      ['电脑桌', 'computer desk', 459],
      ['推拉门衣柜', 'sliding wardrobe', 1599],
      ['床头柜', 'bedside table', 199],
      ['人体工学椅', 'ergonomic chair', 899],
      ['鞋柜', 'shoe cabinet', 329],
      ['电视柜', 'TV stand', 699],
      ['折叠餐椅', 'folding chair', 129],
      ['儿童书桌', "kids' desk", 559],
      ['双人床架', 'double bed frame', 1199],
      ['北欧茶几', 'coffee table', 369],
      ['梳妆台', 'dressing table', 649],
      ['五层置物架', 'five-tier storage rack', 159],
      ['懒人沙发', 'bean bag', 259],
      ['玄关柜', 'hallway cabinet', 799],
      ['电动升降桌', 'standing desk', 1899],
      ['乳胶床垫', 'latex mattress', 2499],
      ['玻璃门书柜', 'glass-door bookcase', 999],
    ],
    parts: [
      ['侧板', 'side panel'],
      ['桌面', 'tabletop'],
      ['柜门', 'cabinet door'],
      ['桌腿', 'leg'],
      ['背板', 'back panel'],
    ],
    claims: [
      ['实木材质', 'solid wood construction'],
      ['承重能力', 'load capacity'],
      ['环保板材', 'low-emission boards'],
    ],
    defects: [
      ['抽屉滑轨卡住', 'the drawer runners jam'],
      ['桌面开胶起皮', 'the veneer is peeling'],
      ['柜门合不上', 'the door will not close'],
      ['螺丝孔对不上', 'the screw holes do not line up'],
    ],
    qualityRate: 0.012,
    notAsDescribedRate: 0.004,
    fragile: true,
    safetyRisk: false,
  },
  {
    category: 'skincare',
    skuPrefix: 'SK-2',
    share: 0.18,
    products: [
      ['玻尿酸保湿精华', 'hyaluronic serum', 189],
      ['氨基酸洁面乳', 'amino acid cleanser', 69],
      ['清爽防晒霜', 'SPF50 sunscreen', 129],
      ['补水面膜', 'hydrating sheet masks', 99],
      ['修护眼霜', 'repair eye cream', 239],
      ['舒缓爽肤水', 'soothing toner', 119],
      ['珍稀植物抗皱面霜', 'anti-wrinkle cream', 329],
      ['控油乳液', 'oil-control lotion', 109],
      ['维C精华液', 'vitamin C serum', 199],
      ['温和卸妆油', 'cleansing oil', 139],
      ['身体乳', 'body lotion', 79],
      ['护手霜', 'hand cream', 39],
      ['润唇膏', 'lip balm', 29],
      ['去角质啫喱', 'exfoliating gel', 89],
      ['晚安冻膜', 'sleeping mask', 159],
      ['烟酰胺精华', 'niacinamide serum', 179],
      ['男士洗面奶', "men's face wash", 59],
      ['敏感肌面霜', 'sensitive skin cream', 219],
      ['保湿喷雾', 'face mist', 69],
      ['紧致精华油', 'firming face oil', 269],
    ],
    parts: [
      ['瓶身', 'bottle'],
      ['泵头', 'pump'],
      ['瓶盖', 'cap'],
      ['玻璃罐', 'glass jar'],
    ],
    claims: [
      ['补水效果', 'all-day hydration'],
      ['美白效果', 'brightening'],
      ['控油效果', 'oil control'],
    ],
    defects: [
      ['膏体结块还有异味', 'the cream has gone lumpy and smells off'],
      ['泵头按不出来', 'the pump does not dispense'],
      ['保质期只剩一个月', 'it expires next month'],
    ],
    qualityRate: 0.008,
    notAsDescribedRate: 0.005,
    fragile: false,
    safetyRisk: true,
  },
  {
    category: 'electronics',
    skuPrefix: 'EL-3',
    share: 0.2,
    products: [
      ['无线蓝牙耳机', 'wireless earbuds', 299],
      ['快充充电器', 'fast charger', 99],
      ['充电宝', 'power bank', 149],
      ['智能手表', 'smartwatch', 899],
      ['机械键盘', 'mechanical keyboard', 399],
      ['无线鼠标', 'wireless mouse', 129],
      ['蓝牙音箱', 'Bluetooth speaker', 259],
      ['平板支架', 'tablet stand', 59],
      ['电动牙刷', 'electric toothbrush', 199],
      ['负离子吹风机', 'hair dryer', 329],
      ['USB扩展坞', 'USB-C hub', 179],
      ['行车记录仪', 'dash cam', 349],
      ['护眼台灯', 'desk lamp', 189],
      ['27英寸显示器', '27-inch monitor', 1499],
      ['千兆路由器', 'Wi-Fi router', 269],
      ['电子阅读器', 'e-reader', 799],
      ['降噪耳机', 'noise-cancelling headphones', 1299],
      ['编织数据线', 'braided USB-C cable', 39],
      ['智能插座', 'smart plug', 69],
      ['便携投影仪', 'mini projector', 1099],
    ],
    parts: [
      ['屏幕', 'screen'],
      ['外壳', 'casing'],
      ['充电口', 'charging port'],
    ],
    claims: [
      ['续航时间', 'battery life'],
      ['防水功能', 'waterproofing'],
      ['降噪效果', 'noise cancelling'],
    ],
    defects: [
      ['充不进电', 'it will not charge'],
      ['开不了机', 'it will not turn on'],
      ['用一会儿就自动关机', 'it shuts down after a few minutes'],
      ['按键失灵', 'the buttons do not respond'],
    ],
    qualityRate: 0.02,
    notAsDescribedRate: 0.005,
    fragile: true,
    safetyRisk: true,
  },
  {
    category: 'apparel',
    skuPrefix: 'AP-4',
    share: 0.24,
    products: [
      ['纯棉T恤', 'cotton T-shirt', 79],
      ['轻薄羽绒服', 'down jacket', 599],
      ['直筒牛仔裤', 'jeans', 199],
      ['印花连衣裙', 'summer dress', 259],
      ['缓震跑鞋', 'running shoes', 459],
      ['羊毛衫', 'wool sweater', 329],
      ['防风夹克', 'windbreaker', 369],
      ['牛津纺衬衫', 'oxford shirt', 149],
      ['连帽卫衣', 'hoodie', 169],
      ['休闲裤', 'chinos', 179],
      ['真丝围巾', 'silk scarf', 229],
      ['帆布托特包', 'canvas tote', 89],
      ['袜子五双装', 'socks five-pack', 49],
      ['纯棉睡衣', 'cotton pyjamas', 139],
      ['牛皮腰带', 'leather belt', 159],
      ['棒球帽', 'baseball cap', 69],
      ['瑜伽裤', 'yoga pants', 129],
      ['针织开衫', 'knit cardigan', 219],
      ['双排扣风衣', 'trench coat', 689],
      ['切尔西短靴', 'Chelsea boots', 529],
    ],
    parts: [
      ['鞋盒', 'shoe box'],
      ['拉链头', 'zip pull'],
      ['纽扣', 'buttons'],
    ],
    claims: [
      ['面料成分', 'cotton content'],
      ['尺码标准', 'true-to-size fit'],
      ['保暖效果', 'warmth rating'],
    ],
    defects: [
      ['洗一次就起球', 'it pills after one wash'],
      ['缝线开了', 'the seams came apart'],
      ['掉色严重', 'the colour runs badly'],
      ['拉链拉不上', 'the zip will not close'],
    ],
    qualityRate: 0.012,
    notAsDescribedRate: 0.006,
    fragile: false,
    safetyRisk: false,
  },
  {
    category: 'kitchen',
    skuPrefix: 'KI-5',
    share: 0.15,
    products: [
      ['不粘炒锅', 'non-stick wok', 199],
      ['陶瓷碗套装', 'ceramic bowl set', 129],
      ['玻璃保鲜盒', 'glass food containers', 89],
      ['智能电饭煲', 'rice cooker', 459],
      ['刀具套装', 'knife set', 299],
      ['竹制砧板', 'bamboo cutting board', 69],
      ['保温杯', 'vacuum flask', 119],
      ['空气炸锅', 'air fryer', 399],
      ['意式咖啡机', 'espresso machine', 1299],
      ['电热水壶', 'electric kettle', 149],
      ['调料瓶套装', 'spice jar set', 59],
      ['不锈钢汤锅', 'stainless stock pot', 239],
      ['破壁料理机', 'high-speed blender', 699],
      ['玻璃水杯', 'drinking glasses', 79],
      ['西餐餐具', 'cutlery set', 159],
      ['微波炉', 'microwave oven', 599],
      ['烘焙烤盘', 'baking tray', 49],
      ['功夫茶具', 'tea set', 269],
      ['厨房置物架', 'kitchen shelf', 129],
      ['珐琅铸铁锅', 'enamel cast iron pot', 499],
    ],
    parts: [
      ['锅盖', 'lid'],
      ['玻璃', 'glass'],
      ['碗', 'bowls'],
      ['外壳', 'housing'],
    ],
    claims: [
      ['不粘效果', 'non-stick coating'],
      ['保温效果', 'heat retention'],
      ['容量', 'capacity'],
    ],
    defects: [
      ['涂层脱落', 'the coating is flaking'],
      ['把手松动', 'the handle is loose'],
      ['通电后没反应', 'it does nothing when switched on'],
    ],
    qualityRate: 0.012,
    notAsDescribedRate: 0.004,
    fragile: true,
    safetyRisk: true,
  },
  {
    category: 'toys',
    skuPrefix: 'TO-6',
    share: 0.11,
    products: [
      ['积木城堡套装', 'building block castle', 299],
      ['遥控越野车', 'RC off-road car', 259],
      ['毛绒泰迪熊', 'teddy bear', 99],
      ['千片拼图', '1000-piece puzzle', 69],
      ['儿童滑板车', "kids' scooter", 229],
      ['益智磁力片', 'magnetic tiles', 159],
      ['时尚娃娃', 'fashion doll', 129],
      ['过家家厨房', 'play kitchen', 349],
      ['儿童风筝', 'kite', 49],
      ['木质小火车', 'wooden train set', 189],
      ['儿童画板', 'drawing board', 79],
      ['家庭桌游', 'family board game', 149],
      ['恐龙模型', 'dinosaur figures', 89],
      ['迷你无人机', 'mini drone', 399],
      ['沙滩玩具', 'beach toy set', 59],
      ['儿童帐篷', 'play tent', 169],
      ['三阶魔方', 'speed cube', 39],
      ['玩具电子琴', 'toy keyboard', 199],
      ['科学实验套装', 'science kit', 139],
      ['儿童平衡车', 'balance bike', 329],
    ],
    parts: [
      ['外盒', 'box'],
      ['轮子', 'wheels'],
      ['零件', 'pieces'],
    ],
    claims: [
      ['适用年龄', 'age rating'],
      ['材质安全认证', 'safety certification'],
      ['零件数量', 'piece count'],
    ],
    defects: [
      ['零件一碰就掉', 'pieces fall off at a touch'],
      ['遥控失灵', 'the remote does not respond'],
      ['电池仓接触不良', 'the battery contacts are loose'],
    ],
    qualityRate: 0.015,
    notAsDescribedRate: 0.004,
    fragile: false,
    safetyRisk: true,
  },
];

/** Merchants: two per category, each holding every other SKU of it. */
export function findMerchantId(categoryIndex: number, productIndex: number): string {
  return `M${String(categoryIndex * 2 + (productIndex % 2) + 1).padStart(2, '0')}`;
}
