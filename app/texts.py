"""The app's own texts in zh-CN and en: page texts, download headers and sheet names, sentences.

One table for the pages (:mod:`app.ui`), the downloads (:mod:`app.services.evaluation_exports`) and the
CLI. Labels of codes (tiers, profiles, badges, provinces, indicators …) are not here: they come from
the label catalog (:mod:`scoring_models.labels`, through :mod:`app.i18n`). A text may hold ``{name}``
placeholders, the same in both languages.
"""

from __future__ import annotations

from app.i18n import Language, localized

TEXTS: dict[str, tuple[str, str]] = {
    # pages
    "site": ("高新区创新评价", "High-tech zone evaluation"),
    "home": ("首页", "Home"),
    "api_docs": ("接口文档", "API docs"),
    "other_lang": ("English", "中文"),
    "latest_runs": ("各模型最新评价", "Latest runs per model"),
    "zones_covered": ("参评范围", "Scope"),
    "all_provinces": ("全部省份", "All provinces"),
    "named_zones": ("指定园区 {n} 个", "{n} named zones"),
    "no_runs": ("尚无评价运行", "No runs yet"),
    "run_status": ("状态", "Status"),
    "published_at": ("发布时间", "Published"),
    "status_draft": ("草稿", "Draft"),
    "status_published": ("已发布", "Published"),
    "status_superseded": ("已被取代", "Superseded"),
    "status_withdrawn": ("已撤回", "Withdrawn"),
    "draft_notice": ("尚未发布，仅持有评价或发布权限的密钥可见，不是正式结果。",
                     "Not published: visible only to keys allowed to evaluate or publish; not an official result."),
    "superseded_notice": ("此结果已被新的正式结果取代：", "This result was replaced by a newer official result:"),
    "methodology": ("方法说明", "Methodology"),
    "run": ("运行", "Run"),
    "year": ("年度", "Year"),
    "zones_ranked": ("参评园区", "Zones ranked"),
    "zones_excluded": ("未参评", "Excluded"),
    "created_at": ("生成时间", "Created"),
    "tiers": ("梯队分布", "Tiers"),
    "ranking": ("排名", "Ranking"),
    "province": ("省份", "Province"),
    "tier": ("梯队", "Tier"),
    "peer_group": ("同类组", "Peer group"),
    "peer_group_size": ("同类组园区数", "Zones in peer group"),
    "peer_group_mean": ("同类组平均综合得分", "Peer-group mean composite"),
    "peer_group_note": ("梯队按相对绩效指数（综合得分 ÷ 同类组平均综合得分 × 100）划分，仅与同类组比较",
                        "Tiers are by relative performance index (composite ÷ peer-group mean composite × 100): "
                        "a tier compares a zone with its peer group only"),
    "peer_group_facts": ("{size} 个园区，平均综合得分 {mean:.2f}", "{size} zones, mean composite {mean:.2f}"),
    "all": ("全部", "All"),
    "filter": ("筛选", "Filter"),
    "reset": ("清除", "Reset"),
    "rank": ("排名", "Rank"),
    "zone": ("园区", "Zone"),
    "composite": ("综合得分", "Composite"),
    "rpi": ("相对绩效指数", "RPI"),
    "profile": ("类型", "Profile"),
    "badges": ("培育称号", "Badges"),
    "interval": ("排名区间 P5–P95", "Rank interval P5–P95"),
    "peer_rank": ("组内排名", "Peer rank"),
    "tier_distribution": ("梯队分布", "Tier distribution"),
    "download": ("下载", "Download"),
    "previous": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "of": ("共", "of"),
    "scorecard": ("评价卡", "Scorecard"),
    "pillar_radar": ("各支柱得分", "Pillar scores"),
    "peer_median": ("同类组中位数", "Peer-group median"),
    "top_contributions": ("主要指标贡献", "Top indicator contributions"),
    "rank_interval": ("排名不确定性（与相邻园区比较）", "Rank uncertainty against the neighbouring zones"),
    "rank_axis": ("排名（1 = 最好；线 = P5–P95，圆点 = 中位数，× = 实际排名；共 {n} 个园区）",
                  "rank (1 = best; line = P5–P95, dot = median, × = actual rank; {n} zones in all)"),
    "trend": ("历年趋势", "Trend across years"),
    "trend_rank": ("历年排名", "Rank across years"),
    "rank_top_is_best": ("排名（上方为优）", "rank (top is best)"),
    "trend_indicators": ("关键指标历年变化", "Key indicators across years"),
    "index_first_year": ("指数（首年 = 100）", "index (first year = 100)"),
    "no_trend": ("暂无历年数据", "No data from other years"),
    "trend_from_indicators": ("该模型尚无其他年度评价，以下为贡献最大的指标原始值变化",
                              "No run of this model for other years; raw values of the top contributing indicators"),
    "strengths_weaknesses": ("优势与短板", "Strengths and weaknesses"),
    "strength": ("优势", "Strength"),
    "weakness": ("短板", "Weakness"),
    "gap_to_next_tier": ("距下一梯队差距", "Gap to the next tier"),
    "points": ("分", "points"),
    "previous_year": ("较上年", "On the previous year"),
    "rank_change": ("排名变化", "Rank change"),
    "up": ("上升", "up"),
    "down": ("下降", "down"),
    "same": ("持平", "unchanged"),
    "coverage": ("数据覆盖率", "Data coverage"),
    "model": ("模型", "Model"),
    "version": ("版本", "Version"),
    "source": ("来源", "Source"),
    "description": ("说明", "Description"),
    "pillars": ("支柱", "Pillars"),
    "pillar_weights": ("支柱权重", "Pillar weights"),
    "weight": ("权重", "Weight"),
    "indicators": ("指标", "Indicators"),
    "indicator": ("指标", "Indicator"),
    "code": ("代码", "Code"),
    "pillar": ("支柱", "Pillar"),
    "nominal_weight": ("名义权重", "Nominal weight"),
    "direction": ("方向", "Direction"),
    "nature": ("性质", "Nature"),
    "unit": ("单位", "Unit"),
    "methods": ("方法与阈值", "Methods and thresholds"),
    "steps_population": ("各步骤的方法、比较范围与出处", "Every step: method, population and source"),
    "method": ("方法", "Method"),
    "population": ("比较范围", "Population"),
    "population_filtered": ("本次参评园区（随筛选而变）", "The zones evaluated (depends on the filter)"),
    "population_national": ("当年全部有数据的园区（与筛选无关）",
                            "Every zone with data in the year (whatever the filter)"),
    "population_own": ("仅园区自身数据与模型设定", "The zone's own data and the model's settings"),
    "population_note": ("“本次参评园区”：按省筛选时，排名、梯队和同类组均只在该省园区之间比较；"
                        "“当年全部有数据的园区”：培育称号在任何筛选下都相同。",
                        "'The zones evaluated': a province-only run ranks and tiers its zones among themselves; "
                        "'every zone with data in the year': a zone's badges are the same in any run."),
    "step": ("步骤", "Step"),
    "settings": ("设置", "Settings"),
    "tier_thresholds": ("梯队阈值（相对绩效指数）", "Tier thresholds (relative performance index)"),
    "tier_thresholds_composite": ("等级阈值（综合得分）", "Tier thresholds (composite)"),
    "recent_runs": ("最近的评价运行", "Recent runs"),
    "excluded_zones": ("未参评园区", "Excluded zones"),
    "reason": ("原因", "Reason"),
    "error": ("出错了", "Something went wrong"),
    "error_404": ("未找到", "Not found"),
    "back_home": ("返回首页", "Back to the start page"),
    "colon": ("：", ": "),
    # downloads: column headers
    "zone_code": ("园区代码", "Zone code"),
    "zone_name": ("园区名称", "Zone"),
    "level": ("级别", "Level"),
    "subgroup": ("梯队细分", "Subgroup"),
    "rank_in_peer_group": ("组内排名", "Rank in peer group"),
    "rank_p5": ("排名区间下限(P5)", "Rank P5"),
    "rank_median": ("排名中位数", "Median rank"),
    "rank_p95": ("排名区间上限(P95)", "Rank P95"),
    "indicator_code": ("指标代码", "Indicator code"),
    "indicator_name": ("指标名称", "Indicator"),
    "raw_value": ("原始值", "Raw value"),
    "normalised": ("标准化得分", "Normalised"),
    "contribution": ("贡献", "Contribution"),
    "imputed": ("是否插补", "Imputed"),
    "strength_or_weakness": ("优势/短板", "Strength/weakness"),
    "kind": ("类别", "Kind"),
    "peer_median_short": ("同类组中位数", "Peer median"),
    "difference": ("差距", "Difference"),
    "in_words": ("说明", "In words"),
    "item": ("项目", "Item"),
    "value": ("内容", "Value"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "list_separator": ("、", ", "),
    # downloads: sheet names
    "sheet_rankings": ("排名", "Rankings"),
    "sheet_methodology": ("方法说明", "Methodology"),
    "sheet_summary": ("概览", "Summary"),
    "sheet_contributions": ("指标贡献", "Contributions"),
    "sheet_highlights": ("优势与短板", "Strengths and weaknesses"),
    "sheet_zones": ("园区", "zones"),
    "sheet_observations": ("观测值", "observations"),
    # downloads: the methodology sheet of a run
    "model_title": ("模型名称", "Model title"),
    "evaluation_year": ("评价年度", "Year"),
    "run_id": ("运行编号", "Run id"),
    "zones_excluded_total": ("未参评园区", "Zones excluded"),
    "input_hash": ("输入哈希", "Input hash"),
    "seed": ("随机种子", "Seed"),
    "monte_carlo_runs": ("蒙特卡洛次数", "Monte Carlo runs"),
    "item_pillar": ("支柱: {name}", "Pillar: {name}"),
    "item_indicator": ("指标: {name} ({code})", "Indicator: {name} ({code})"),
    "item_method": ("方法: {step}", "Method: {step}"),
    "item_population": ("比较范围: {step}", "Population: {step}"),
    "item_tier": ("梯队: {name}", "Tier: {name}"),
    "item_check": ("数据检查阈值: {key}", "Check threshold: {key}"),
    "item_excluded_indicator": ("剔除指标: {code}", "Excluded indicator: {code}"),
    "correlated_pair": ("高相关指标对", "Highly correlated pair"),
    "model_description": ("模型说明", "Description"),
    "indicator_pillar": ("支柱 {name}", "pillar {name}"),
    "indicator_nominal_weight": ("名义权重 {value}", "nominal weight {value}"),
    "indicator_applied_weight": ("实际权重 {value}", "applied weight {value}"),
    "indicator_effective_weight": ("有效权重 {value}", "effective weight {value}"),
    # downloads: the summary sheet of a scorecard
    "rank_interval_p5_p95": ("排名区间(P5–P95)", "Rank interval (P5–P95)"),
    "gap_to_next_tier_short": ("距下一梯队差距", "Gap to next tier"),
    "coverage_short": ("数据覆盖率", "Coverage"),
    "item_pillar_score": ("支柱得分: {name}", "Pillar score: {name}"),
    "rank_change_on_previous_year": ("较上年排名变化", "Rank change on previous year"),
    # panels: pages
    "panel": ("面板评价", "Panel"),
    "panels": ("面板评价（跨年可比）", "Panels (comparable across years)"),
    "no_panels": ("尚无面板评价", "No panels yet"),
    "zones_scored": ("参评园区", "Zones scored"),
    "scores_by_year": ("逐年得分", "scores by year"),
    "tiers_by_year": ("各年度梯队分布（以基准年为参照）", "Tiers by year (against the base year's reference)"),
    "mean_composite": ("平均综合得分", "Mean composite"),
    "trends": ("趋势", "Trends"),
    "trend_rule": ("只有当蒙特卡洛斜率区间（P5–P95）整体大于 0 时才判定为上升，整体小于 0 时才判定为下滑",
                   "a rise is claimed only when the whole Monte Carlo slope interval (P5–P95) lies above 0, a "
                   "decline only when it lies below 0"),
    "from_year": ("起始年", "From"),
    "to_year": ("结束年", "To"),
    "compare": ("比较", "Compare"),
    "tier_transitions": ("梯队转移", "Tier transitions"),
    "profile_transitions": ("类型转移", "Profile transitions"),
    "in_year": ("{year}年", "in {year}"),
    "heat_cell": ("{before} → {after}：{n} 个园区（{p}）", "{before} → {after}: {n} zones ({p})"),
    "heat_map_note": ("行：起始年状态；列：结束年状态；颜色 = 行内转移概率；点击格子查看园区",
                      "rows: the first year's state; columns: the second year's; shade = row probability; "
                      "click a cell for its zones"),
    "named_moves": ("重点变化", "Named moves"),
    "zones_behind_cells": ("各格子中的园区", "Zones behind every cell"),
    "trajectory_title": ("统一尺度下的历年轨迹", "Trajectory on the common scale"),
    "composite_common_scale": ("综合得分（统一尺度）", "composite (common scale)"),
    "trajectory_note": ("色带为该园区同类组在基准年参照下的梯队区间；虚线为 Theil–Sen 趋势线",
                        "bands: the tiers of the zone's peer group against the base year's reference; dashed: "
                        "the Theil–Sen trend"),
    "how_it_moved": ("变化", "How it moved"),
    "since_year": ("较{year}年", "since {year}"),
    "not_scored": ("当年未评价（数据不足）", "not scored that year (not enough data)"),
    "trend_panel": ("以下为面板评价 #{id}（{first}–{last}）统一尺度下的得分，各年可直接比较",
                    "On the common scale of panel #{id} ({first}–{last}): the years compare directly"),
    "trend_not_comparable": ("各年度评价分别在当年内标准化，综合得分不能跨年比较，因此只显示排名变化；"
                             "跨年比较请使用面板评价",
                             "Each year's run is normalised within its own year, so composites do not compare "
                             "across years and only ranks are shown; to compare scores, make a panel"),
    # panels: downloads
    "base_year": ("基准年", "Base year"),
    "reference_mean": ("基准年同类组均值", "Base-year peer-group mean"),
    "progress_points": ("较基准年变化(分)", "Change since base year (points)"),
    "progress_pct": ("较基准年变化(%)", "Change since base year (%)"),
    "slope": ("趋势斜率(分/年)", "Slope (points a year)"),
    "slope_p5": ("斜率区间下限(P5)", "Slope P5"),
    "slope_p95": ("斜率区间上限(P95)", "Slope P95"),
    "slope_interval": ("斜率区间(P5–P95)", "Slope interval (P5–P95)"),
    "trend_class": ("趋势判断", "Trend"),
    "no_trend_class": ("无法判断（无蒙特卡洛区间或不足两年）",
                       "none (no Monte Carlo interval or fewer than two years)"),
    "years_scored": ("得分年份", "Years scored"),
    "from_state": ("起始状态", "From"),
    "to_state": ("结束状态", "To"),
    "zone_count": ("园区数", "Zones"),
    "probability": ("转移概率", "Probability"),
    "zone_codes": ("园区代码", "Zone codes"),
    "move": ("变化类型", "Move"),
    "panel_id": ("面板编号", "Panel id"),
    "window": ("年度区间", "Window"),
    "reference": ("比较基准", "Reference"),
    "reference_population": ("各园区{year}年所在同类组在{year}年的平均综合得分"
                             "（相对绩效指数 = 综合得分 / 该均值 × 100）",
                             "the mean composite in {year} of each zone's {year} peer group (RPI = composite / "
                             "that mean × 100)"),
    "common_scale": ("统一尺度", "Common scale"),
    "common_scale_note": ("区间内所有园区×年份共用同一组标准化上下限，各年得分可直接比较",
                          "one set of normalisation bounds over all zones × years of the window: scores compare "
                          "across years"),
    "item_reference_group": ("基准均值: {group}", "Reference mean: {group}"),
    "item_bounds": ("标准化上下限: {code}", "Bounds: {code}"),
    "transition_years": ("转移年份", "Years compared"),
    "zones_compared": ("参与比较的园区", "Zones compared"),
    "sheet_panel_scores": ("逐年得分", "Scores by year"),
    "sheet_trajectories": ("趋势", "Trajectories"),
    "sheet_trajectory": ("历年轨迹", "Trajectory"),
    "sheet_tier_transitions": ("梯队转移", "Tier transitions"),
    "sheet_profile_transitions": ("类型转移", "Profile transitions"),
    "sheet_transition_cells": ("转移明细", "Transition cells"),
    "sheet_named_moves": ("重点变化", "Named moves"),
    # coupling coordination and DEA efficiency (pages and downloads)
    "coupling": ("创新—产业耦合协调", "Innovation–industry coupling"),
    "u_innovation": ("创新子系统U₁", "Innovation U₁"),
    "u_industry": ("产业子系统U₂", "Industry U₂"),
    "coupling_degree": ("耦合度C", "Coupling C"),
    "development_index": ("综合发展指数T", "Development T"),
    "coordination_degree": ("耦合协调度D", "Coordination D"),
    "coordination_grade": ("协调等级", "Coordination grade"),
    "lagging": ("滞后类型", "Which lags"),
    "efficiency": ("创新效率（DEA）", "Innovation efficiency (DEA)"),
    "ccr": ("综合技术效率(CCR)", "Technical efficiency (CCR)"),
    "bcc": ("纯技术效率(BCC)", "Pure technical efficiency (BCC)"),
    "scale_efficiency": ("规模效率", "Scale efficiency"),
    "super_efficiency": ("超效率", "Super-efficiency"),
    "returns_to_scale": ("规模报酬", "Returns to scale"),
    "efficiency_status": ("DEA有效性", "DEA status"),
    "peers": ("参照园区（前沿）", "Peers on the frontier"),
    "frontier_targets": ("到达前沿的目标值", "Targets on the frontier"),
    "current_value": ("当前值", "Current"),
    "target_value": ("目标值", "Target"),
    "change": ("变化", "Change"),
    "role": ("角色", "Role"),
    "input": ("投入", "input"),
    "output": ("产出", "output"),
    "frontier_sentence": ("要达到前沿：{changes}", "To reach the frontier: {changes}"),
    "on_frontier": ("已在效率前沿上", "On the efficiency frontier"),
    "infeasible": ("不可行（无可比参照）", "infeasible (no comparable zones)"),
    # methods on the methodology page and sheet
    "method_names": ("所用方法", "Methods used"),
    "ahp_judgments": ("层次分析法：专家判断", "AHP: the experts' judgments"),
    "expert": ("专家", "Expert"),
    "matrix": ("判断矩阵", "Matrix"),
    "lambda_max": ("λmax", "λmax"),
    "consistency_ratio": ("一致性比率CR", "Consistency ratio CR"),
    "passes": ("通过", "passes"),
    "fails": ("未通过", "fails"),
    "group_priorities": ("群组权重（{group}）", "Group priorities ({group})"),
    "subjective_part": ("主观权重", "Subjective"),
    "objective_part": ("客观权重", "Objective"),
    "combined_part": ("组合权重", "Combined"),
    "combination_rule": ("组合规则：{rule}（主观系数α = {alpha}），客观方法：{objective}",
                         "Rule: {rule} (subjective share α = {alpha}); objective method: {objective}"),
    "composite_method": ("综合得分", "Composite"),
    "coupling_settings": ("U₁ = 支柱 {innovation}，U₂ = 支柱 {industry}；T = {alpha}·U₁ + {beta}·U₂",
                          "U₁ = pillar {innovation}, U₂ = pillar {industry}; T = {alpha}·U₁ + {beta}·U₂"),
    "dea_settings": ("投入：{inputs}；产出：{outputs}；{rts}；超效率排序：{super}",
                     "inputs: {inputs}; outputs: {outputs}; {rts}; ranked by super-efficiency: {super}"),
    "effective_importance": ("有效权重（相关比）", "Effective importance (correlation ratio)"),
    "effective_importance_note": ("最近一次运行（#{run}）中，各支柱和指标解释的综合得分方差占比"
                                  "（相关比S，归一化后与名义权重比较）",
                                  "In the newest run (#{run}): the share of the composite's variance each pillar and "
                                  "indicator explains (correlation ratio S, normalised to compare with the weights)"),
    "no_importance": ("尚无运行：首次运行后显示有效权重",
                      "No run yet: effective importance appears after the first run"),
    "effective_share": ("有效权重", "Effective share"),
    "correlation_ratio": ("相关比S", "Correlation ratio S"),
    "calibration": ("权重校准（使有效权重接近名义权重）",
                    "Weight calibration (effective shares towards the nominal weights)"),
    "calibration_summary": ("迭代 {iterations} 次，最大偏差 {before} → {after}",
                            "{iterations} iterations, largest gap {before} → {after}"),
    "weight_before": ("校准前权重", "Weight before"),
    "weight_after": ("校准后权重", "Weight after"),
    "share_before": ("校准前有效权重", "Share before"),
    "share_after": ("校准后有效权重", "Share after"),
    "item_ahp_matrix": ("层次分析法: {expert} · {matrix}", "AHP: {expert} · {matrix}"),
    "item_ahp_group": ("层次分析法群组权重: {matrix}", "AHP group priorities: {matrix}"),
    "ahp_matrix_value": ("λmax {lam}，CI {ci}，CR {cr}（{verdict}）", "λmax {lam}, CI {ci}, CR {cr} ({verdict})"),
    "item_weight_parts": ("组合赋权: {name}", "Combined weights: {name}"),
    "weight_parts_value": ("主观 {subjective}；客观 {objective}；组合 {combined}",
                           "subjective {subjective}; objective {objective}; combined {combined}"),
    "item_importance": ("有效权重: {name}", "Effective importance: {name}"),
    "importance_value": ("名义 {nominal}；有效 {share}（S = {ratio}）",
                         "nominal {nominal}; effective {share} (S = {ratio})"),
    "item_calibration": ("权重校准", "Weight calibration"),
    # problem types (/problems/<slug>): what the type means and what to do
    "problems": ("错误类型与错误代码", "Problem types and error codes"),
    "problems_intro": (
        "接口的每个错误响应都是 application/problem+json：type 指向下列说明页，errors 列出每个出错的行、列或"
        "字段及其代码。",
        "Every error response of the API is application/problem+json: its type links to one of these pages, "
        "and errors lists each bad row, column or field with a code.",
    ),
    "problem_type": ("错误类型", "Problem type"),
    "error_codes": ("错误代码", "Error codes"),
    "http_status": ("HTTP 状态码", "HTTP status"),
    "appears_under": ("出现在", "Appears under"),
    "pydantic_error": ("请求校验代码", "Request validation code"),
    "error_pydantic": (
        "请求的参数或请求体不符合接口文档的类型或取值（代码是 pydantic 的校验类型，如 missing 缺少字段、enum "
        "不是允许的值、int_parsing 不是整数）；message 说明原因，column 指出位置，value 以 JSON 给出收到的值"
        "。",
        "A parameter or body field does not have the type or value the API documents (the code is pydantic's "
        "check, e.g. missing: a required field is absent, enum: not one of the allowed values, int_parsing: "
        "not an integer); message says why, column where, and value gives what was received, as JSON.",
    ),
    "problem_bad_request": ("请求无法处理，例如请求体不是合法的 JSON。按 detail 的说明修改后重试。",
                            "The request cannot be processed, e.g. its body is not valid JSON. Fix what detail "
                            "says and retry."),
    "problem_export_too_large": (
        "下载匹配的行数超过 ZONESCORE_MAX_EXPORT_ROWS。请缩小筛选范围（年份、园区、指标）后重试。",
        "The download matches more rows than ZONESCORE_MAX_EXPORT_ROWS allows. Narrow the filters (years, "
        "zones, indicators) and retry.",
    ),
    "problem_unauthorized": (
        "缺少 API 密钥，或密钥未知、已吊销。以 Authorization: Bearer <key> 或 X-API-Key: <key> 发送有效密钥。",
        "No API key was sent, or it is unknown or revoked. Send a valid key as Authorization: Bearer <key> "
        "or X-API-Key: <key>.",
    ),
    "problem_forbidden": (
        "密钥有效，但缺少所需权限（read、submit、evaluate、admin），或数据涉及密钥所辖省份以外的园区；errors "
        "列出这些园区。未写入任何数据。",
        "The key is valid but lacks the scope (read, submit, evaluate, admin), or the data touches zones "
        "outside the key's provinces; errors lists them. Nothing was written.",
    ),
    "problem_not_found": ("所指的资源（园区、模型、评价运行、密钥……）不存在，或路径有误。",
                          "The named resource (zone, model, evaluation run, key …) does not exist, or the path "
                          "is wrong."),
    "problem_method_not_allowed": ("该路径不支持此 HTTP 方法；响应头 Allow 列出它支持的全部方法。",
                                   "The path does not support this HTTP method; the Allow header lists every "
                                   "method it supports."),
    "problem_not_acceptable": ("无法按 format 参数或 Accept 头给出的格式响应；可选 json、csv、xlsx（视接口而定）。",
                               "None of the formats asked for by ?format= or Accept can be produced; choose "
                               "json, csv or xlsx (as the operation offers)."),
    "problem_conflict": (
        "请求与已存储的数据冲突：代码已存在、已被使用的模型版本不可修改、同一 Idempotency-Key 携带了不同内容"
        "，或并发写入冲突。未写入任何数据；按 detail 处理后重试。",
        "The request conflicts with stored data: a code already exists, a model version that runs used "
        "cannot change, an Idempotency-Key was reused with other content, or a concurrent write collided. "
        "Nothing was written; act on detail and retry.",
    ),
    "problem_payload_too_large": (
        "请求体、文件或批次超过上限（ZONESCORE_MAX_UPLOAD_BYTES、ZONESCORE_MAX_BATCH_ROWS）。请拆分后分批提交"
        "。",
        "The body, file or batch is larger than the limit (ZONESCORE_MAX_UPLOAD_BYTES, "
        "ZONESCORE_MAX_BATCH_ROWS). Split it and send the parts.",
    ),
    "problem_unsupported_media_type": (
        "请求体的媒体类型不被接受：JSON 接口需要 application/json，导入需要 multipart/form-data。",
        "The body's media type is not accepted: JSON operations need application/json, imports "
        "multipart/form-data.",
    ),
    "problem_validation_failed": (
        "输入格式正确但内容无效。errors 一次列出所有问题：行号（批次或文件中从 1 开始）、列（文件自己的列名或"
        "字段名）、代码、说明和收到的值。未写入任何数据。",
        "The input is well-formed but its content is invalid. errors lists every problem at once: row "
        "(1-based in the batch or file), column (the file's own header or the field), code, message and the "
        "value received. Nothing was written.",
    ),
    "problem_too_many_requests": (
        "超过每分钟请求上限（按密钥，匿名读取按客户端地址）。等待 Retry-After 头给出的秒数后重试。",
        "The request budget per minute (per key; anonymous reads per client address) is used up. Retry after "
        "the seconds in the Retry-After header.",
    ),
    "problem_internal_error": ("服务内部出错。报告问题时请提供 request_id（也在 X-Request-ID 响应头中）。",
                               "An internal error occurred. Quote the request_id (also in the X-Request-ID "
                               "header) when reporting it."),
    "problem_host_not_allowed": (
        "请求的 Host 不在 ZONESCORE_ALLOWED_HOSTS 所列的主机名中；请使用服务公布的地址。",
        "The request's Host is not one of the names in ZONESCORE_ALLOWED_HOSTS; use the address the service "
        "publishes.",
    ),
    "problem_cors_refused": (
        "浏览器页面所在的源不在 ZONESCORE_CORS_ORIGINS 中，不允许跨站调用本服务；请服务管理员添加该源。",
        "The origin of the browser page is not in ZONESCORE_CORS_ORIGINS, so it may not call the service "
        "cross-site; ask the service's administrator to add it.",
    ),
    "problem_request_timeout": (
        "请求头或请求体没有在时限内传完（ZONESCORE_HEADER_TIMEOUT_SECONDS、ZONESCORE_BODY_TIMEOUT_SECONDS）；"
        "连接已关闭，请重试。",
        "The request's headers or body did not arrive in time (ZONESCORE_HEADER_TIMEOUT_SECONDS, "
        "ZONESCORE_BODY_TIMEOUT_SECONDS); the connection was closed; retry.",
    ),
    "problem_service_unavailable": (
        "服务暂时无法处理请求（数据库不可用或连接数已满）；未做任何更改。等待 Retry-After 头给出的秒数后重试。",
        "The service cannot handle the request right now (the database is unavailable or the connections are "
        "full); nothing was done. Retry after the seconds in the Retry-After header.",
    ),
    # error codes (errors[].code, /problems/<code>)
    "error_unknown_zone": ("没有这个园区代码；先用 POST /api/v1/zones 登记园区，或更正代码。",
                           "No zone has this code; register the zone (POST /api/v1/zones) or correct the code."),
    "error_unknown_indicator": ("指标目录中没有这个指标代码（GET /api/v1/indicators 列出全部）。",
                                "The indicator catalog has no such code (GET /api/v1/indicators lists them)."),
    "error_year_out_of_range": ("年份早于 ZONESCORE_EARLIEST_YEAR 或晚于今年。",
                                "The year is before ZONESCORE_EARLIEST_YEAR or after this year."),
    "error_duplicate_key": ("同一园区、指标、年份在批次或文件中出现了两次；只保留一行。",
                            "The same zone, indicator and year appear twice in the batch or file; keep one row."),
    "error_missing_value": ("缺少数值。文件中无数据的单元格请留空（宽表）或删除该行（长表）。",
                            "A value is required. In a file, leave a cell blank (wide layout) or drop the row "
                            "(long layout) when there is no data."),
    "error_not_a_number": ("不是数字：不接受百分号、单位、日期或用“-”表示缺失。",
                           "Not a number: percent signs, units, dates or a dash for 'missing' are refused."),
    "error_not_finite": ("NaN 和无穷大不是有效数值。", "NaN and infinity are not valid values."),
    "error_negative_count": ("计数类指标不能为负。", "A count indicator cannot be negative."),
    "error_not_whole_number": ("计数类指标必须是整数。", "A count indicator must be a whole number."),
    "error_not_a_flag": ("标志类指标只能是 0 或 1。", "A flag indicator is 0 or 1."),
    "error_out_of_range": (
        "数值超出指标目录规定的有效范围（见 GET /api/v1/indicators 的 min_value、max_value 与单位）。",
        "The value lies outside the indicator's valid range (min_value, max_value and unit in GET "
        "/api/v1/indicators).",
    ),
    "error_zone_outside_key_provinces": ("园区不在密钥所辖省份内；该密钥只能为其省份的园区提交数据。",
                                         "The zone is outside the key's provinces; the key may submit data only "
                                         "for zones of its provinces."),
    "error_invalid_file": (
        "文件本身无法读取：空文件、格式不受支持（请用 .xlsx 或 CSV）、编码无法识别、CSV 格式损坏或行数超过上"
        "限。",
        "The file itself cannot be read: empty, an unsupported format (use .xlsx or CSV), an unknown text "
        "encoding, malformed CSV or more rows than allowed.",
    ),
    "error_missing_column": (
        "缺少必需的列：长表需要 zone_code、indicator_code、year、value（或 园区代码、指标代码、年份、数值），"
        "宽表需要 zone_code、year 和至少一个指标列。",
        "A required column is missing: the long layout needs zone_code, indicator_code, year, value (or 园区"
        "代码, 指标代码, 年份, 数值), the wide layout zone_code, year and at least one indicator column.",
    ),
    "error_duplicate_column": ("两列表示同一内容（例如 zone_code 和 园区代码，或同一指标两次）；删除其中一列。",
                               "Two columns mean the same (e.g. zone_code and 园区代码, or one indicator twice); "
                               "drop one of them."),
    "error_unnamed_column": ("有数值的列没有表头，数值会被丢失；补上表头（指标代码）或清空该列。",
                             "A column holding values has no header, so the values would be lost; add the "
                             "header (an indicator code) or clear the column."),
    "error_missing_zone_code": ("该行没有园区代码。", "The row has no zone code."),
    "error_missing_indicator_code": ("该行没有指标代码。", "The row has no indicator code."),
    "error_invalid_year": ("年份不是 2024 这样的整数（不接受日期或小数）。",
                           "The year is not a whole number such as 2024 (dates and fractions are refused)."),
    "error_unknown_chain": ("产业链目录中没有这个产业链代码。", "The chain catalog has no such chain code."),
    "error_no_zones": ("园区筛选条件没有选中任何园区。", "The zone filter selects no zone."),
    "error_no_data": ("选中的园区在该年度没有任何观测值；GET /api/v1/coverage 给出各年度的数据覆盖情况。",
                      "The selected zones have no observation for that year; GET /api/v1/coverage shows which "
                      "years hold data."),
    "error_unsupported_options": ("模型无法按给定选项运行（例如不支持的方法组合）。",
                                  "The model cannot run with the given options (e.g. an unsupported combination "
                                  "of methods)."),
    "error_url_not_allowed": ("Webhook 地址不被允许：需要 http(s)，且默认不能指向回环、私有或链路本地地址。",
                              "The webhook URL is not allowed: it must be http(s) and, by default, not a "
                              "loopback, private or link-local address."),
    "error_not_in_run": (
        "筛选值不属于该评价运行或面板（例如模型没有这个梯队，或运行中没有这个同类组）；message 列出允许的值。",
        "The filter value does not occur in this run or panel (e.g. the model has no such tier, or no zone is in "
        "that peer group); message lists the allowed values.",
    ),
    "error_duplicate": ("模型定义中同一支柱或指标出现了两次。", "A pillar or indicator appears twice in the spec."),
    "error_unknown_pillar": ("指标引用了模型中不存在的支柱。", "An indicator names a pillar the spec does not define."),
    "error_unknown_dimension": ("画像轴引用了指标目录中不存在的维度。",
                                "A profile axis names a dimension the catalog does not have."),
    "error_missing_target": ("所选标准化方法需要每个指标都有目标值（target）。",
                             "The chosen normalisation needs a target for every indicator."),
    "error_no_weight": ("权重之和不为正，或支柱有权重但其指标都没有权重。",
                        "The weights have no positive total, or a pillar has weight but none of its indicators."),
    "error_empty_pillar": ("支柱下没有指标。", "A pillar has no indicators."),
    "error_empty": (
        "必需的列表为空（例如 k-means 没有特征）。",
        "A required list is empty (e.g. k-means without features).",
    ),
    "error_incompatible": ("所选方法不能组合使用（例如几何聚合需要非负的标准化值）。",
                           "The chosen methods cannot be combined (e.g. geometric aggregation needs non-negative "
                           "normalised values)."),
    "error_tier_count": ("梯队数必须比阈值数多一个。", "There must be exactly one tier more than thresholds."),
    "error_cap_exceeded": ("某一性质的指标权重占比超过上限。",
                           "Indicators of one nature hold more of the weight than the cap allows."),
    "error_thresholds_order": ("梯队阈值必须严格递减。", "Tier thresholds must be strictly decreasing."),
    "error_thresholds_range": ("梯队阈值必须为正的有限数。", "Tier thresholds must be positive and finite."),
    "error_share_range": ("权重占比上限必须在 0 到 1 之间。", "A weight-share cap must lie between 0 and 1."),
    "problem_gone": ("该资源曾经存在但已被永久收回（例如已撤回的评价运行）；detail 给出撤回原因和时间，不要再使用。",
                     "The resource existed and was taken back for good (e.g. a withdrawn evaluation run); detail "
                     "gives the reason and time. Stop using it."),
    "error_code_too_long": ("园区或指标代码超过 64 个字符，不可能是有效代码。",
                            "A zone or indicator code longer than 64 characters cannot be a valid code."),
    "error_control_character": ("文本中含有控制字符（如 NUL、退格、U+FFFE）；删除后重试。",
                                "The text holds a control character (e.g. NUL, backspace, U+FFFE); remove it."),
    "error_excel_error": ("单元格是 Excel 错误值（#DIV/0!、#N/A 等），不是数值；请修正公式或留空。",
                          "The cell holds an Excel error value (#DIV/0!, #N/A …), not a number; fix the formula "
                          "or leave the cell blank."),
    "error_formula_without_value": ("单元格是未保存计算结果的公式；请在 Excel 中重新计算并保存，或粘贴为数值。",
                                    "The cell is a formula saved without its value; recalculate and save the "
                                    "workbook in Excel, or paste the values."),
    "error_damaged_workbook": ("工作簿已损坏，无法安全读取；请在 Excel 中打开并另存为 .xlsx 或 CSV。",
                               "The workbook is damaged and cannot be read safely; open it in Excel and save it "
                               "again as .xlsx or CSV."),
    "error_unsafe_workbook": ("工作簿包含可攻击读取程序的内容（DTD、ZIP 炸弹、虚报的大小），已拒绝。",
                              "The workbook holds content built to harm a reader (a DTD, a ZIP bomb, sizes that "
                              "lie) and was refused."),
    "error_too_many_rows": ("文件行数超过上限（ZONESCORE_MAX_BATCH_ROWS 或 ZONESCORE_IMPORT_MAX_ROWS）；请拆分。",
                            "The file has more rows than allowed (ZONESCORE_MAX_BATCH_ROWS or "
                            "ZONESCORE_IMPORT_MAX_ROWS); split it."),
    "error_too_many_columns": ("文件列数超过上限（ZONESCORE_IMPORT_MAX_COLUMNS）；请删除多余的列。",
                               "The file has more columns than allowed (ZONESCORE_IMPORT_MAX_COLUMNS); drop the "
                               "extra columns."),
    "error_too_many_cells": ("文件单元格数超过上限（ZONESCORE_IMPORT_MAX_CELLS）；请删除远离数据的单元格或拆分文件。",
                             "The file has more cells than allowed (ZONESCORE_IMPORT_MAX_CELLS); delete stray cells "
                             "far from the data or split the file."),
    "error_too_many_shared_strings": ("工作簿的共享字符串超过上限；请另存为 CSV 或拆分。",
                                      "The workbook holds more shared strings than allowed; save it as CSV or "
                                      "split it."),
    "error_too_large_part": ("工作簿的某个部件解压后超过上限；请另存为 CSV 或拆分。",
                             "A part of the workbook is larger than allowed once decompressed; save it as CSV or "
                             "split it."),
    "error_too_large_uncompressed": ("工作簿解压后的总大小超过上限；请另存为 CSV 或拆分。",
                                     "The workbook is larger than allowed once decompressed; save it as CSV or "
                                     "split it."),
    "error_too_large_text": ("工作表的文本单元格展开后超过上限；请另存为 CSV 或拆分。",
                             "The text cells of the sheet expand to more than allowed; save it as CSV or split it."),
    "error_parser_memory_bound": ("解析该工作簿所需内存超过 ZONESCORE_IMPORT_PARSER_MEMORY_BYTES；请拆分或上传 CSV。",
                                  "Reading the workbook needs more memory than ZONESCORE_IMPORT_PARSER_MEMORY_BYTES; "
                                  "split it or upload CSV."),
    "error_parser_cpu_bound": ("解析该工作簿所需时间超过 ZONESCORE_IMPORT_PARSER_CPU_SECONDS；请拆分或上传 CSV。",
                               "Reading the workbook takes longer than ZONESCORE_IMPORT_PARSER_CPU_SECONDS; split it "
                               "or upload CSV."),
    "error_exceeds_zone_revenue": ("园区当年各产业链营收之和超过园区营业收入（允许 0.5% 误差）；请核对数字。",
                                   "The chains' revenues of the zone-year add up to more than the zone's revenue "
                                   "(0.5% allowed for rounding); check the figures."),
    "error_run_outside_key_provinces": ("评价运行的园区范围超出密钥所辖省份，该密钥不能发布或撤回它。",
                                        "The run's zones reach beyond the key's provinces, so the key may not "
                                        "publish or withdraw it."),
    "error_reason_required": ("撤回评价运行必须给出原因（1 至 2000 个字符）。",
                              "Withdrawing a run needs a reason (1 to 2,000 characters)."),
    "error_not_a_spec_model": ("面板评价只支持以声明式规格定义的模型。",
                               "Panels need a model declared by a spec, not a plug-in written in code."),
    "error_window_too_short": ("面板评价至少需要两个年份：起始年必须早于结束年。",
                               "A panel needs at least two years: the first must come before the last."),
    "error_window_too_long": ("面板评价的年份区间超过上限。", "The panel's window spans more years than allowed."),
    "error_year_outside_window": ("年份不在该面板评价的区间内。", "The year lies outside the panel's window."),
    "error_indicator_short": ("某指标在区间的某些年份报送不足，无法在统一尺度下评价；message 列出这些年份。",
                              "An indicator is reported too sparsely in some years of the window to be scored on "
                              "one scale; message lists the years."),
    "error_same_pillar": ("耦合协调的两个子系统必须是不同的支柱。",
                          "The two subsystems of coupling coordination must be different pillars."),
    "error_uncertainty_unsupported": ("该综合方法不随权重变化，不能做蒙特卡洛不确定性分析；请关闭 uncertainty。",
                                      "The composite does not vary with the weights the Monte Carlo perturbs; "
                                      "disable uncertainty."),
    "error_calibration_unsupported": ("只有加权综合方法可以做权重校准。",
                                      "Only a weighted composite can have its weights calibrated."),
    "error_missing_judgments": ("层次分析法赋权需要专家判断矩阵（weighting.ahp）。",
                                "AHP weighting needs the experts' judgment matrices (weighting.ahp)."),
    "error_matrix_items": ("判断矩阵比较的项目必须恰好是该模型的支柱或该支柱下的指标。",
                           "A judgment matrix must compare exactly the model's pillars, or exactly the indicators "
                           "of its pillar."),
    "error_inconsistent_judgments": ("判断矩阵一致性比率 CR 不低于 0.1；message 指出最不一致的判断。",
                                     "A judgment matrix has a consistency ratio CR of 0.1 or more; message names "
                                     "the judgments furthest from the priorities."),
    "error_unknown_method": ("没有这个名称的方法；message 列出已注册的方法。",
                             "No method of that name is registered; message lists the registered ones."),
    # the command line
    "cli_tiers": ("梯队: ", "tiers: "),
    # sentences
    "highlight_above": ("{name}高于同类组中位数 {delta:.1f} 分",
                        "{name} is {delta:.1f} points above the peer-group median"),
    "highlight_below": ("{name}低于同类组中位数 {delta:.1f} 分",
                        "{name} is {delta:.1f} points below the peer-group median"),
    # the /ui sign-in form
    "error_401": ("需要登录", "Sign-in needed"),
    "error_403": ("无权访问", "Forbidden"),
    "error_410": ("已撤回", "Withdrawn"),
    "error_503": ("暂不可用", "Unavailable"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "api_key": ("API 密钥", "API key"),
    "sign_in_explain": ("本服务的数据仅对持有 API 密钥者开放。请输入您的密钥（任何权限均可）；"
                        "密钥本身不会保存在浏览器中。",
                        "The data of this service is open to holders of an API key only. Enter your key (any "
                        "scope); the key itself is not stored in the browser."),
    "sign_in_failed": ("密钥无效或已被撤销。", "The key is unknown or revoked."),
    "sign_in_unavailable": ("本服务器未启用网页登录（需设置 ZONESCORE_SESSION_SECRET）。",
                            "Sign-in is not set up on this server (ZONESCORE_SESSION_SECRET)."),
    "sign_in_cross_site": ("登录表单只能从本站提交。", "The sign-in form can only be sent from this site."),
}


def text(key: str, lang: Language) -> str:
    """The text ``key`` in ``lang`` (KeyError for an unknown key: a typo must fail a test, not ship)."""
    zh, en = TEXTS[key]
    return localized(zh, en, lang)
