//! Complete requests for unit tests: valid for every channel (payer and H5 scene included).

use wechatpay_models::amount::Currency;
use wechatpay_models::payments::{
    CombinePrepayAmount, CombinePrepayPayer, CombinePrepayRequest, CombinePrepaySubOrder,
    CombineSceneInfo, H5Info, PartnerPrepayAmount, PartnerPrepayPayer, PartnerPrepayRequest,
    PartnerSceneInfo, SettleInfo,
};
use wechatpay_models::DateTime;

pub(crate) fn combine_request(sub_orders: usize) -> CombinePrepayRequest {
    CombinePrepayRequest {
        combine_appid: "wx8888888888888888".into(),
        combine_mchid: "1900000100".into(),
        combine_out_trade_no: "P20260101000001".into(),
        scene_info: Some(CombineSceneInfo {
            device_id: None,
            payer_client_ip: "203.0.113.7".into(),
            h5_info: Some(H5Info { r#type: "Wap".into(), ..H5Info::default() }),
        }),
        sub_orders: (0..sub_orders)
            .map(|i| CombinePrepaySubOrder {
                mchid: "1900000100".into(),
                attach: format!("cart line {i}"),
                amount: CombinePrepayAmount {
                    total_amount: 100 + i as i64,
                    currency: Currency::Cny,
                },
                out_trade_no: format!("T2026010100{i:04}"),
                sub_mchid: if i % 2 == 0 { "1900000109" } else { "1900000110" }.into(),
                description: "腾讯充值中心-QQ会员充值".into(),
                settle_info: Some(SettleInfo {
                    profit_sharing: Some(true),
                    subsidy_amount: Some(0),
                }),
                detail: None,
                goods_tag: None,
                sub_appid: None,
            })
            .collect(),
        combine_payer_info: Some(CombinePrepayPayer {
            openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            sub_openid: None,
        }),
        time_start: Some(DateTime::parse("2026-01-01T10:00:00+08:00").unwrap()),
        time_expire: Some(DateTime::parse("2026-01-01T12:00:00+08:00").unwrap()),
        notify_url: "https://shop.example.com/wechatpay/notify".into(),
        limit_pay: None,
    }
}

pub(crate) fn partner_request() -> PartnerPrepayRequest {
    PartnerPrepayRequest {
        sp_appid: "wx8888888888888888".into(),
        sp_mchid: "1900000100".into(),
        sub_appid: Some("wxd678efh567hg6999".into()),
        sub_mchid: "1900000109".into(),
        description: "Image形象店-深圳腾大-QQ公仔".into(),
        out_trade_no: "1217752501201407033233368018".into(),
        time_expire: None,
        attach: Some("自定义数据".into()),
        notify_url: "https://shop.example.com/wechatpay/notify".into(),
        goods_tag: None,
        limit_pay: None,
        support_fapiao: None,
        amount: PartnerPrepayAmount { total: 100, currency: Some(Currency::Cny) },
        payer: Some(PartnerPrepayPayer {
            sp_openid: Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into()),
            sub_openid: None,
        }),
        detail: None,
        scene_info: Some(PartnerSceneInfo {
            payer_client_ip: "14.23.150.211".into(),
            device_id: None,
            store_info: None,
            h5_info: Some(H5Info { r#type: "iOS".into(), ..H5Info::default() }),
        }),
        settle_info: None,
    }
}
